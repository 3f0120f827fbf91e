using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Tests.Shared;

namespace Remediator.Intake.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the webhook through the ASP.NET pipeline: every shipped example and every
/// bad-payload corpus file is mutated (structurally and byte-wise) with fixed seeds, so a failure
/// reproduces from the seed and case number in its message. Whatever arrives, the answer is a
/// 202 that published every alert, or a 4xx problem that published nothing and says why.
/// </summary>
public sealed class WebhookFuzzTests : IAsyncLifetime
{
    /// <summary>Mutated requests per seed file; a few thousand in all, a few seconds in-process.</summary>
    private const int CasesPerSeed = 80;

    /// <summary>Well above every seed, below the biggest mutations, so both sides of the limit are hit.</summary>
    private const long MaxBodyBytes = 512 * 1024;

    /// <summary>A rejection quotes what it rejects; a megabyte string must not come back whole.</summary>
    private const int MaxDetailLength = 1024;

    private IntakeHost _host = null!;

    public async Task InitializeAsync() => _host = await IntakeHost.StartAsync(MaxBodyBytes);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var file in SeedFiles().Keys)
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_mutated_payload_is_accepted_whole_or_rejected_with_a_problem_and_nothing_published(string seed)
    {
        var original = SeedFiles()[seed];
        var random = new Random(StableHash(seed));
        for (var @case = 0; @case < CasesPerSeed; @case++)
        {
            var (mutations, body) = Mutate(random, original);
            var description = $"seed {seed}, case {@case}: {string.Join(" + ", mutations)}";
            await CheckAsync(body, description);
        }
    }

    [Fact]
    public async Task Every_seed_unmutated_gets_an_answer_that_keeps_the_rules()
    {
        foreach (var (seed, body) in SeedFiles())
        {
            await CheckAsync(body, $"seed {seed} as it is");
        }
    }

    private static (List<string> Mutations, byte[] Body) Mutate(Random random, byte[] original)
    {
        var mutations = new List<string>();
        var body = original;

        // Seeds that are not JSON (the corpus has some) get byte mutations only.
        var document = TryParse(original);
        var structural = document is not null && random.Next(4) != 0;
        if (structural)
        {
            var rounds = random.Next(1, 4);
            for (var round = 0; round < rounds && document is not null; round++)
            {
                var (name, output) = JsonMutator.Mutate(random, document);
                mutations.Add(name);
                body = output;
                document = round + 1 < rounds ? TryParse(output) : null;
            }
        }

        if (!structural || random.Next(3) == 0)
        {
            var (name, output) = ByteMutator.Mutate(random, body);
            mutations.Add(name);
            body = output;
        }

        return (mutations, body);
    }

    private static JsonNode? TryParse(byte[] json)
    {
        try
        {
            // Duplicate keys and escaped lone surrogates fail here rather than later, lazily, inside a mutation.
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            _ = node?.ToJsonString();
            return node;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task CheckAsync(byte[] body, string description)
    {
        var batchesBefore = _host.Publisher.Batches;
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _host.Client.PostAsync(AlertsEndpoints.Route, content);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;

        _host.Errors.Entries.ShouldBeEmpty(description);
        status.ShouldBeLessThan(500, $"{description}: {text}");

        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            _host.Publisher.Batches.ShouldBe(batchesBefore + 1, description);
            var accepted = JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32();
            _host.Publisher.Last.Count.ShouldBe(accepted, description);
            accepted.ShouldBe(AlertmanagerPayloadParser.Parse(body).Notification!.Alerts.Count, description);
            return;
        }

        response.StatusCode.ShouldBeOneOf([HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge], $"{description}: {text}");
        _host.Publisher.Batches.ShouldBe(batchesBefore, $"{description}: a rejected payload published alerts");
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", description);
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(status, description);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace(description);
        var detail = problem.GetProperty("detail").GetString();
        detail.ShouldNotBeNullOrWhiteSpace(description);
        detail!.Length.ShouldBeLessThanOrEqualTo(MaxDetailLength, $"{description}: {detail[..Math.Min(200, detail.Length)]}...");
        detail.ShouldNotContain("Exception", Case.Sensitive, description);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            // The detail starts with the field it blames, which the problem also names on its own.
            detail.ShouldStartWith(problem.GetProperty("field").GetString()!, Case.Sensitive, description);
        }
    }

    private static Dictionary<string, byte[]> SeedFiles()
    {
        var seeds = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["Payloads.Valid"] = Payloads.Bytes(Payloads.Valid()),
        };
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "seeds"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            seeds[Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "seeds"), file)] = File.ReadAllBytes(file);
        }

        return seeds;
    }

    /// <summary>string.GetHashCode is randomized per process; the seed must not be.</summary>
    private static int StableHash(string text) =>
        Encoding.UTF8.GetBytes(text).Aggregate(17, (hash, b) => unchecked((hash * 31) + b));
}
