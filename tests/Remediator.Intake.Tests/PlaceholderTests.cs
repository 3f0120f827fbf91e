namespace Remediator.Intake.Tests; public class PlaceholderTests { [Fact] public void Builds() => true.ShouldBeTrue(); }
