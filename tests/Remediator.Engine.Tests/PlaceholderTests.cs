namespace Remediator.Engine.Tests; public class PlaceholderTests { [Fact] public void Builds() => true.ShouldBeTrue(); }
