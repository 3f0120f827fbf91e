using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Remediator.Dashboard.Tests;

public sealed class DashboardEndpointsTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/remediations/7c8db25a-7297-85ef-9aba-05bd37256f30")]
    public async Task The_page_is_served_at_the_root_and_at_a_remediations_address(string path)
    {
        using var response = await _host.Client.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("<title>Remediator</title>");
        html.ShouldContain("<base href=\"/\">");
    }

    [Fact]
    public async Task The_page_may_load_only_the_engines_own_files_and_may_not_be_framed()
    {
        using var response = await _host.Client.GetAsync("/");

        var policy = response.Headers.GetValues("Content-Security-Policy").ShouldHaveSingleItem();
        policy.ShouldContain("default-src 'none'");
        policy.ShouldContain("script-src 'self'");
        policy.ShouldContain("connect-src 'self'");
        policy.ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Content-Type-Options").ShouldHaveSingleItem().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").ShouldHaveSingleItem().ShouldBe("DENY");
        response.Headers.CacheControl!.NoCache.ShouldBeTrue();
    }

    [Fact]
    public async Task A_remediations_address_that_is_not_a_remediation_id_is_not_the_page()
    {
        using var response = await _host.Client.GetAsync("/remediations/not-an-id");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("app.js", "text/javascript")]
    [InlineData("app.css", "text/css")]
    [InlineData("favicon.svg", "image/svg+xml")]
    public async Task The_pages_files_are_served_from_the_assembly_with_their_content_types(string file, string mediaType)
    {
        using var response = await _host.Client.GetAsync($"/dashboard/{file}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(mediaType);
        (await response.Content.ReadAsByteArrayAsync()).ShouldNotBeEmpty();
        response.Headers.ETag.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("nope.js")]
    [InlineData("index.html")]
    public async Task Anything_else_under_the_dashboards_files_is_a_problem_not_found(string file)
    {
        using var response = await _host.Client.GetAsync($"/dashboard/{file}");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("type").GetString().ShouldBe(DashboardEndpoints.AssetNotFoundType);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard/app.js")]
    public async Task An_unchanged_file_is_revalidated_with_a_not_modified(string path)
    {
        using var first = await _host.Client.GetAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(first.Headers.ETag!.Tag));

        using var second = await _host.Client.SendAsync(request);

        second.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Behind_a_path_prefix_the_pages_links_resolve_under_the_prefix()
    {
        await using var host = await DashboardHost.StartAsync("/ops/remediator");

        using var page = await host.Client.GetAsync("/ops/remediator/remediations/7c8db25a-7297-85ef-9aba-05bd37256f30");
        using var script = await host.Client.GetAsync("/ops/remediator/dashboard/app.js");

        (await page.Content.ReadAsStringAsync()).ShouldContain("<base href=\"/ops/remediator/\">");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
