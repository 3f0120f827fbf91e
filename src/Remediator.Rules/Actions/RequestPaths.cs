using System.Diagnostics.CodeAnalysis;

namespace Remediator.Rules.Actions;

/// <summary>
/// What a rule's request path (<c>path</c>) or URL (<c>url</c>) may be, in one place for the loader
/// (lint), the plan renderer (per alert) and the Kubernetes client (the last check before sending).
/// A dot-segment (<c>.</c> or <c>..</c>, also percent-encoded or behind a backslash) would let a
/// request climb out of the path it was written for: through the pod proxy that is any API path,
/// sent with the engine's own token. A URL's scheme, host and port are written literally in the
/// rule, so no label can choose where a request goes.
/// </summary>
public static class RequestPaths
{
    private static readonly string[] _schemes = ["http://", "https://"];
    private static readonly char[] _authorityEnd = ['/', '?', '#', '\\'];
    private static readonly char[] _pathEnd = ['?', '#'];
    private static readonly char[] _separators = ['/', '\\'];

    /// <summary>
    /// The first dot-segment of <paramref name="path"/>'s path part (before any <c>?</c> or <c>#</c>),
    /// or null. Segments are compared percent-decoded and split at <c>/</c> and <c>\</c> as well,
    /// because the API server routes on the decoded path and .NET's <see cref="Uri"/> turns <c>\</c>
    /// into <c>/</c>: <c>%2e%2e</c>, <c>..%2f..</c> and <c>..\..</c> all climb.
    /// </summary>
    public static string? FindDotSegment(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var end = path.IndexOfAny(_pathEnd);
        var decoded = Uri.UnescapeDataString(end < 0 ? path : path[..end]);
        return decoded.Split(_separators).FirstOrDefault(segment => segment is "." or "..");
    }

    /// <summary>
    /// Where the authority of an http(s) URL ends (the index of the first <c>/</c>, <c>?</c>, <c>#</c>
    /// or <c>\</c> after <c>scheme://</c>), or -1 when <paramref name="url"/> does not start with
    /// <c>http://</c> or <c>https://</c> or its authority runs to the end of the text.
    /// </summary>
    public static int AuthorityEnd(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var scheme = _schemes.FirstOrDefault(s => url.StartsWith(s, StringComparison.OrdinalIgnoreCase));
        return scheme is null ? -1 : url.IndexOfAny(_authorityEnd, scheme.Length);
    }

    /// <summary>The first dot-segment of an http(s) URL's path, or null.</summary>
    public static string? FindDotSegmentInUrl(string url)
    {
        var authorityEnd = AuthorityEnd(url);
        return authorityEnd < 0 ? null : FindDotSegment(url[authorityEnd..]);
    }

    /// <summary>Why <paramref name="path"/> may not be sent, or null: it must start with <c>/</c> and hold no dot-segment.</summary>
    public static string? PathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
        {
            return $"the path {Excerpt(path)} does not start with '/'";
        }

        return FindDotSegment(path) is { } dot ? DotSegmentProblem(path, dot) : null;
    }

    /// <summary>
    /// <paramref name="text"/> as an absolute http(s) URL without <c>user:password@</c> (which would
    /// hide the real host from a reader and send credentials the operator never configured).
    /// </summary>
    public static bool TryParseHttpUrl(string text, [NotNullWhen(true)] out Uri? url)
    {
        ArgumentNullException.ThrowIfNull(text);
        url = Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.UserInfo.Length == 0 ? parsed : null;
        return url is not null;
    }

    /// <summary>Why <paramref name="url"/> may not be sent, or null: an absolute http(s) URL without credentials or dot-segments.</summary>
    public static string? UrlProblem(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (AuthorityEnd(url) is var end && !TryParseHttpUrl(end < 0 ? url : url[..end], out _))
        {
            return $"the URL {Excerpt(url)} is not an absolute http:// or https:// URL without credentials";
        }

        return FindDotSegmentInUrl(url) is { } dot ? DotSegmentProblem(url, dot) : null;
    }

    /// <summary>The message for a refused dot-segment; a label value is shown cut and without control characters.</summary>
    private static string DotSegmentProblem(string text, string dot) =>
        $"{Excerpt(text)} has the dot-segment '{dot}', which would leave the path the rule names";

    private static string Excerpt(string text)
    {
        const int MaxShown = 80;
        var clean = new string([.. text.Take(MaxShown).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length <= MaxShown ? $"'{clean}'" : $"'{clean}...'";
    }
}
