using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Remediator.Dashboard;

/// <summary>
/// The page's files, read once from this assembly's embedded resources (<c>dashboard/&lt;file&gt;</c>):
/// nothing on disk to copy into an image or to find from the working directory.
/// </summary>
internal sealed class DashboardAssets
{
    public const string ResourcePrefix = "dashboard/";
    public const string PageName = "index.html";

    /// <summary>The placeholder in index.html that the page's base address replaces.</summary>
    public const string BasePlaceholder = "<base href=\"/\">";

    private static readonly Dictionary<string, string> _contentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, DashboardAsset> _files;
    private readonly string _pageTemplate;

    private DashboardAssets(Dictionary<string, DashboardAsset> files)
    {
        _files = files;
        _pageTemplate = files.TryGetValue(PageName, out var page)
            ? Encoding.UTF8.GetString(page.Content.Span)
            : throw new InvalidOperationException($"The dashboard's {PageName} is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}.");
        if (!_pageTemplate.Contains(BasePlaceholder, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The dashboard's {PageName} lacks {BasePlaceholder}, which the page's links are relative to.");
        }
    }

    public static DashboardAssets Embedded { get; } = Load(typeof(DashboardAssets).Assembly);

    /// <summary>The names of the files served under <c>/dashboard/</c>.</summary>
    public IEnumerable<string> Names => _files.Keys;

    public static DashboardAssets Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var files = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files[name] = Create(name, buffer.ToArray());
        }

        return new DashboardAssets(files);
    }

    /// <summary>A file by its name (<c>app.js</c>); null for anything else, including the page itself, which <see cref="Page"/> serves.</summary>
    public DashboardAsset? Find(string name) =>
        name != PageName && _files.TryGetValue(name, out var asset) ? asset : null;

    /// <summary>
    /// The page, its links made relative to <paramref name="pathBase"/>: behind a proxy that
    /// serves the engine under a prefix (<c>/remediator/</c>) the page, its files and the API it
    /// calls resolve under that prefix too.
    /// </summary>
    public DashboardAsset Page(PathString pathBase)
    {
        var baseHref = HtmlEncoder.Default.Encode(pathBase.Add("/").ToUriComponent());
        var html = _pageTemplate.Replace(BasePlaceholder, $"<base href=\"{baseHref}\">", StringComparison.Ordinal);
        return Create(PageName, Encoding.UTF8.GetBytes(html));
    }

    private static DashboardAsset Create(string name, byte[] content)
    {
        var contentType = _contentTypes.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";
        var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
        return new DashboardAsset(name, contentType, content, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
