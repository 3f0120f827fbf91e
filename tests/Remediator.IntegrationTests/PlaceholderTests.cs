namespace Remediator.IntegrationTests; public class PlaceholderTests { [Fact] public void Builds() => true.ShouldBeTrue(); }
