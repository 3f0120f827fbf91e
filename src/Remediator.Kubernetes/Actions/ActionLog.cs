using Microsoft.Extensions.Logging;

namespace Remediator.Kubernetes.Actions;

internal static partial class ActionLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting for rollout of {Target}: {Reason}")]
    public static partial void LogRolloutWaiting(this ILogger logger, string target, string reason);
}

internal static partial class DrainLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Eviction of pod {Namespace}/{Pod} refused for now, retrying: {Reason}")]
    public static partial void LogEvictionRefused(this ILogger logger, string @namespace, string pod, string reason);
}
