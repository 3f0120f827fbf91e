namespace Remediator.Hosting;

/// <summary>Console log format (<c>Remediator:Logging:Format</c>).</summary>
public enum LogFormat
{
    /// <summary>One human-readable line per event. The default.</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}
