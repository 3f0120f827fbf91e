namespace Remediator.Rules.Tests; public class PlaceholderTests { [Fact] public void Builds() => true.ShouldBeTrue(); }
