using Microsoft.Extensions.Logging;

namespace Remediator.Kubernetes.Actions;

internal static partial class ActionLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting for rollout of {Target}: {Reason}")]
    public static partial void LogRolloutWaiting(this ILogger logger, string target, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Target} changed between our read and our write (attempt {Attempt}: {Conflict}); reading it again")]
    public static partial void LogConflictRetry(this ILogger logger, string target, int attempt, string conflict);

    [LoggerMessage(Level = LogLevel.Information, Message = "The server closed the rollout watch of {Target}; re-reading it and watching again")]
    public static partial void LogRolloutWatchClosed(this ILogger logger, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch the rollout of {Target} ({Error}); polling instead")]
    public static partial void LogRolloutWatchFailed(this ILogger logger, string target, string error);
}

internal static partial class DrainLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Eviction of pod {Namespace}/{Pod} refused for now, retrying: {Reason}")]
    public static partial void LogEvictionRefused(this ILogger logger, string @namespace, string pod, string reason);
}
