namespace Remediator.Rules.Actions;

/// <summary>How an action parameter is written in YAML and validated at load.</summary>
public enum ParameterType
{
    /// <summary>A whole number within the parameter's bounds.</summary>
    Number,

    /// <summary>A relative change: <c>+N</c> or <c>-N</c>, never zero.</summary>
    Delta,

    /// <summary>A TCP port, 1..65535.</summary>
    Port,

    /// <summary>A URL path starting with a literal '/'; templates may fill segments, each value percent-encoded as data.</summary>
    Path,

    /// <summary>Free text; may use templates.</summary>
    Text,

    /// <summary>A Prometheus duration, e.g. <c>30s</c>.</summary>
    Duration,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of a fixed set of words.</summary>
    Choice,

    /// <summary>An absolute http(s) URL whose scheme, host and port are literal; templates may fill the path and query, percent-encoded as data.</summary>
    Url,

    /// <summary>A map of environment variable names to values (values may use templates); flattened as <c>NAME.VAR</c>.</summary>
    EnvironmentMap,

    /// <summary>A map with <c>cpu</c> and/or <c>memory</c> Kubernetes quantities; flattened as <c>NAME.cpu</c>.</summary>
    ResourceMap,
}
