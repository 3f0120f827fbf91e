using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Remediator.Dashboard.Tests;

/// <summary>The embedded files hang together: what the page links and what the script looks up exists.</summary>
public sealed partial class DashboardAssetsTests
{
    private static readonly DashboardAssets _assets = DashboardAssets.Embedded;

    [Fact]
    public void Every_file_the_page_links_to_is_embedded()
    {
        var html = PageHtml();

        var linked = LinkedFile().Matches(html).Select(match => match.Groups["file"].Value).ToList();

        linked.ShouldBe(["favicon.svg", "app.css", "app.js", "rule-insights.js"], ignoreOrder: true);
        linked.ShouldAllBe(file => _assets.Find(file) != null);
    }

    [Theory]
    [InlineData("app.js")]
    [InlineData("rule-insights.js")]
    public void Every_element_the_script_looks_up_by_id_is_on_the_page(string file)
    {
        var ids = ElementId().Matches(PageHtml()).Select(match => match.Groups["id"].Value).ToHashSet(StringComparer.Ordinal);
        var script = Encoding.UTF8.GetString(_assets.Find(file)!.Content.Span);

        var lookedUp = ScriptLookup().Matches(script).Select(match => match.Groups["id"].Value).Distinct().ToList();

        lookedUp.ShouldNotBeEmpty();
        lookedUp.Where(id => !ids.Contains(id)).ShouldBeEmpty();
    }

    [Fact]
    public void The_page_loads_nothing_from_elsewhere_and_runs_no_inline_script_or_style()
    {
        var html = PageHtml();

        html.ShouldNotContain("http://");
        html.ShouldNotContain("https://");
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("style=");
        html.ShouldNotContain("<style");
        InlineHandler().IsMatch(html).ShouldBeFalse();
    }

    [Fact]
    public void The_base_address_is_html_encoded()
    {
        var page = _assets.Page(PathString.FromUriComponent("/a%22b"));

        Encoding.UTF8.GetString(page.Content.Span).ShouldContain("<base href=\"/a%22b/\">");
    }

    [Fact]
    public void Pages_with_different_bases_have_different_entity_tags()
    {
        _assets.Page(PathString.Empty).ETag.ShouldNotBe(_assets.Page("/prefix").ETag);
        _assets.Page(PathString.Empty).ETag.ShouldBe(_assets.Page(PathString.Empty).ETag);
    }

    private static string PageHtml() => Encoding.UTF8.GetString(_assets.Page(PathString.Empty).Content.Span);

    [GeneratedRegex("""(?:href|src)="dashboard/(?<file>[^"]+)(?=")""")]
    private static partial Regex LinkedFile();

    [GeneratedRegex("""(?<![-\w])id="(?<id>[^"]+)(?=")""")]
    private static partial Regex ElementId();

    [GeneratedRegex("""\$\('(?<id>[a-z-]+)'\)""")]
    private static partial Regex ScriptLookup();

    [GeneratedRegex("""\son[a-z]+=""")]
    private static partial Regex InlineHandler();
}
