namespace Remediator.Scheduling.Tests;

public sealed class SchedulingOptionsValidatorTests
{
    private static readonly SchedulingOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() =>
        _validator.Validate(null, new SchedulingOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void Every_invalid_setting_is_reported_by_its_key()
    {
        var result = _validator.Validate(null, new SchedulingOptions
        {
            PollInterval = TimeSpan.Zero,
            LeaseDuration = TimeSpan.Zero,
            BatchSize = 0,
        });

        result.Failures.ShouldNotBeNull();
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:PollInterval", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:LeaseDuration", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:BatchSize", StringComparison.Ordinal));
    }
}
