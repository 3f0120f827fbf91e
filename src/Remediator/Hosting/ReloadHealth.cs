using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Remediator.Hosting;

/// <summary>
/// The readiness of a set of files the engine reloads (the rules, the escalation policies):
/// Unhealthy until the first good load, Degraded while a failed reload leaves the last good set in
/// force, so a broken or emptied file shows on /readyz and the dashboard without stopping work.
/// </summary>
internal static class ReloadHealth
{
    /// <param name="what">The set's name in messages, plural: <c>rules</c>, <c>escalation policies</c>.</param>
    /// <param name="last">The latest load: whether it succeeded, how many items are in force, how many errors it found; null before any.</param>
    /// <param name="loaded">Whether a good set was ever loaded.</param>
    public static HealthCheckResult Of(string what, (bool Succeeded, int Count, int Errors)? last, bool loaded) => last switch
    {
        null => HealthCheckResult.Unhealthy($"The {what} have not been loaded yet."),
        { Succeeded: true } status => HealthCheckResult.Healthy($"{status.Count} {what} loaded."),
        { } status when !loaded => HealthCheckResult.Unhealthy($"The {what} failed to load: {status.Errors} errors."),
        { } status => HealthCheckResult.Degraded($"The last reload failed with {status.Errors} errors; {status.Count} earlier {what} stay in force."),
    };
}
