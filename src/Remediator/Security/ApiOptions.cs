namespace Remediator.Security;

/// <summary>The HTTP API's credentials and limits (section <c>Remediator:Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Remediator:Api";

    /// <summary>Tokens shorter than this are refused at start-up: they could be guessed.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>A bearer token accepted on the mutating endpoints (and reads, see <see cref="RequireAuthForReads"/>). Default: unset.</summary>
    public string? BearerToken { get; set; }

    /// <summary>More accepted tokens, e.g. one per team or the old and new one during a rotation. Default: none.</summary>
    public List<string> BearerTokens { get; set; } = [];

    /// <summary>
    /// A file holding one accepted token per line (a mounted Kubernetes Secret), read at start-up.
    /// Default: unset.
    /// </summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>When true, the read endpoints (GET) need a token too. Default false: reads are open.</summary>
    public bool RequireAuthForReads { get; set; }

    /// <summary>
    /// When no token is configured, generate one at start-up (or reuse the one generated before)
    /// and write it to <see cref="GeneratedTokenPath"/>, readable by its owner only. Default true,
    /// so the quick start's API is protected without any set-up; when false and no token is
    /// configured, the mutating endpoints answer 503.
    /// </summary>
    public bool GenerateToken { get; set; } = true;

    /// <summary>Where a generated token is kept; relative to the current directory, like the embedded database. Default <c>data/api-token</c>.</summary>
    public string GeneratedTokenPath { get; set; } = "data/api-token";

    /// <summary>
    /// The largest request body any endpoint accepts (the webhook has its own
    /// <c>Remediator:Webhook:MaxBodyBytes</c>). Default 64 KiB: the API's bodies are a reason and a comment.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long any request may take before it is cancelled with 504. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
