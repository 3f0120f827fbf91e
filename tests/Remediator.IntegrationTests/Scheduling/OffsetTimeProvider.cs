namespace Remediator.IntegrationTests.Scheduling;

/// <summary>The system clock moved by <paramref name="offset"/>: an engine that (re)starts that much later, without waiting for it.</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
