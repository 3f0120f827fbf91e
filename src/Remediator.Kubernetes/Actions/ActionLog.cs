using Microsoft.Extensions.Logging;

namespace Remediator.Kubernetes.Actions;

internal static partial class ActionLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting for rollout of {Target}: {Reason}")]
    public static partial void LogRolloutWaiting(this ILogger logger, string target, string reason);
}
