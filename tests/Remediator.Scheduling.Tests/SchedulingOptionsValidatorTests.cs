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
            HandOffLease = TimeSpan.Zero,
            DeleteInterval = TimeSpan.Zero,
            BatchSize = 0,
            SendConcurrency = 0,
        });

        result.Failures.ShouldNotBeNull();
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:PollInterval", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:LeaseDuration", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:BatchSize", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:HandOffLease", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:DeleteInterval", StringComparison.Ordinal));
        result.Failures.ShouldContain(failure => failure.StartsWith("Remediator:Scheduling:SendConcurrency", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hand_off_lease_longer_than_the_poll_lease_and_a_delete_interval_past_half_of_it_are_refused()
    {
        var handOffLease = new SchedulingOptions().LeaseDuration + TimeSpan.FromSeconds(1);
        var result = _validator.Validate(null, new SchedulingOptions { HandOffLease = handOffLease, DeleteInterval = handOffLease });

        result.Failures.ShouldNotBeNull();
        result.Failures.Count().ShouldBe(2);
    }
}
