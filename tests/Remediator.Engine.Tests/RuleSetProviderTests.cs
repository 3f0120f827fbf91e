using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Remediator.Engine.Rules;
using Remediator.Rules;
using Remediator.Tests.Shared;

namespace Remediator.Engine.Tests;

public sealed class RuleSetProviderTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ScriptedLoader _loader = new();
    private readonly DirectoryInfo _rules = Directory.CreateTempSubdirectory("remediator-rules-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _rules.Delete(recursive: true);
    }

    private static RuleDiagnostic Error(int line) => new("rules/bad.yaml", line, 3, "unknown key 'stpes'", "did you mean 'steps'?");

    /// <summary>A provider on the scripted loader, or on <paramref name="loader"/> (e.g. the real file loader).</summary>
    private RuleSetProvider Create(string? path = null, bool watch = false, bool allowEmpty = false, IRuleSetLoader? loader = null) =>
        new(
            loader ?? _loader,
            Options.Create(new RulesOptions { Path = path ?? _rules.FullName, Watch = watch, WatchDebounce = TimeSpan.FromMilliseconds(500), AllowEmpty = allowEmpty }),
            new FakeEnvironment(_rules.Parent!.FullName),
            _time,
            new RemediatorMetrics(_services.GetRequiredService<IMeterFactory>()),
            NullLogger<RuleSetProvider>.Instance);

    [Fact]
    public async Task Startup_refuses_invalid_rules_and_lists_every_error()
    {
        _loader.Next = new RuleLoadResult(null, [Error(4), Error(9)]);
        using var provider = Create();

        var failure = await Should.ThrowAsync<RuleLoadException>(() => provider.StartAsync(CancellationToken.None));

        failure.Diagnostics.Count.ShouldBe(2);
        failure.Message.ShouldContain("rules/bad.yaml:4:3: error: unknown key 'stpes' (hint: did you mean 'steps'?)");
        failure.Message.ShouldContain("rules/bad.yaml:9:3");
    }

    [Fact]
    public async Task A_failed_reload_keeps_the_last_good_set_and_records_the_errors()
    {
        using var provider = Create();
        await provider.StartAsync(CancellationToken.None);
        var good = provider.Current;
        var loadedAt = provider.LoadedAt;
        _time.Advance(TimeSpan.FromMinutes(1));
        _loader.Next = new RuleLoadResult(null, [Error(4)]);

        var status = provider.Reload("api");

        status.Succeeded.ShouldBeFalse();
        status.Trigger.ShouldBe("api");
        status.Errors.ShouldBe([Error(4)]);
        provider.Current.ShouldBeSameAs(good);
        provider.LoadedAt.ShouldBe(loadedAt);
        provider.LastReload.ShouldBeSameAs(status);
    }

    [Fact]
    public async Task A_good_reload_replaces_the_set()
    {
        using var provider = Create();
        await provider.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var status = provider.Reload("api");

        status.Succeeded.ShouldBeTrue();
        provider.LoadedAt.ShouldBe(_time.GetUtcNow());
        _loader.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task File_changes_reload_once_after_the_debounce()
    {
        using var provider = Create(watch: true);
        await provider.StartAsync(CancellationToken.None);
        var rulesFile = Path.Combine(_rules.FullName, "fintech.yaml");

        provider.OnRuleFileChanged(rulesFile);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        provider.OnRuleFileChanged(rulesFile);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        _loader.Calls.ShouldBe(1);

        _time.Advance(TimeSpan.FromMilliseconds(200));

        _loader.Calls.ShouldBe(2);
        provider.LastReload!.Trigger.ShouldBe("watch");
        await provider.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Changes_to_other_files_are_ignored()
    {
        using var provider = Create(watch: true);
        await provider.StartAsync(CancellationToken.None);

        provider.OnRuleFileChanged(Path.Combine(_rules.FullName, "README.md"));
        _time.Advance(TimeSpan.FromSeconds(5));

        _loader.Calls.ShouldBe(1);
        await provider.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_configmap_symlink_swap_reloads()
    {
        using var provider = Create(watch: true);
        await provider.StartAsync(CancellationToken.None);

        provider.OnRuleFileChanged(Path.Combine(_rules.FullName, "..data"));
        _time.Advance(TimeSpan.FromSeconds(1));

        _loader.Calls.ShouldBe(2);
        await provider.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_single_rules_file_reloads_only_for_itself()
    {
        var file = Path.Combine(_rules.FullName, "fintech.yaml");
        await File.WriteAllTextAsync(file, "rules: []");
        using var provider = Create(path: file, watch: true);
        await provider.StartAsync(CancellationToken.None);

        provider.OnRuleFileChanged(Path.Combine(_rules.FullName, "petclinic.yaml"));
        _time.Advance(TimeSpan.FromSeconds(1));
        _loader.Calls.ShouldBe(1);

        provider.OnRuleFileChanged(file);
        _time.Advance(TimeSpan.FromSeconds(1));
        _loader.Calls.ShouldBe(2);
        await provider.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_empty_rules_directory_stops_the_start_naming_the_setting()
    {
        using var provider = Create(loader: new RuleFileLoader());

        var failure = await Should.ThrowAsync<RuleLoadException>(() => provider.StartAsync(CancellationToken.None));

        failure.Message.ShouldContain($"{_rules.FullName}:1:1: error: the rules path holds no rules (hint: add rule files (*.yaml with 'rules:'); to run without rules on purpose set Remediator:Rules:AllowEmpty=true)");
        provider.LoadedAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_reload_that_finds_no_rules_fails_and_keeps_the_last_good_set()
    {
        using var provider = Create();
        await provider.StartAsync(CancellationToken.None);
        var good = provider.Current;
        _loader.Next = new RuleLoadResult(RuleSet.Empty, []);

        var status = provider.Reload("watch");

        status.Succeeded.ShouldBeFalse();
        status.RuleCount.ShouldBe(1);
        status.Errors.Single().Message.ShouldBe("the rules path holds no rules");
        provider.Current.ShouldBeSameAs(good);
    }

    [Fact]
    public async Task No_rules_on_purpose_is_a_successful_load()
    {
        _loader.Next = new RuleLoadResult(RuleSet.Empty, []);
        using var provider = Create(allowEmpty: true);

        await provider.StartAsync(CancellationToken.None);

        provider.LastReload!.Succeeded.ShouldBeTrue();
        provider.Current.Count.ShouldBe(0);
    }

    [Fact]
    public void A_missing_rules_path_is_an_error_naming_the_setting()
    {
        using var provider = Create(path: Path.Combine(_rules.FullName, "nope"));

        var status = provider.LoadAtStartup();

        status.Succeeded.ShouldBeFalse();
        status.Errors.Single().Hint!.ShouldContain("Remediator:Rules:Path");
        _loader.Calls.ShouldBe(0);
    }

    [Fact]
    public void Relative_paths_prefer_the_current_directory_then_the_content_root()
    {
        var current = Directory.CreateDirectory(Path.Combine(_rules.FullName, "cwd"));
        var contentRoot = Directory.CreateDirectory(Path.Combine(_rules.FullName, "app"));
        Directory.CreateDirectory(Path.Combine(contentRoot.FullName, "rules"));

        RulesPathResolver.Resolve("rules", current.FullName, contentRoot.FullName).ShouldBe(Path.Combine(contentRoot.FullName, "rules"));

        Directory.CreateDirectory(Path.Combine(current.FullName, "rules"));
        RulesPathResolver.Resolve("rules", current.FullName, contentRoot.FullName).ShouldBe(Path.Combine(current.FullName, "rules"));
    }

    /// <summary>Returns <see cref="Next"/> (<see cref="RuleFiles.Loaded"/> unless set otherwise) and counts calls.</summary>
    private sealed class ScriptedLoader : IRuleSetLoader
    {
        public RuleLoadResult Next { get; set; } = RuleFiles.Loaded;

        public int Calls { get; private set; }

        public RuleLoadResult Load(string path)
        {
            Calls++;
            return Next;
        }
    }

    private sealed class FakeEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "remediator";

        public string ContentRootPath { get; set; } = contentRoot;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    [Fact]
    public async Task Real_rule_files_that_break_leave_the_previous_rules_in_force()
    {
        var file = Path.Combine(_rules.FullName, "fintech.yaml");
        await File.WriteAllTextAsync(file, RuleFiles.RestartFintechService);
        using var provider = Create(loader: new RuleFileLoader());
        await provider.StartAsync(CancellationToken.None);
        provider.Current.Rules.Select(rule => rule.Name).ShouldBe(["restart-fintech-service"]);

        await File.WriteAllTextAsync(file, RuleFiles.UnknownAction);
        var status = provider.Reload("watch");

        status.Succeeded.ShouldBeFalse();
        status.Errors.ShouldNotBeEmpty();
        status.Errors[0].File.ShouldBe(file);
        status.Errors[0].Line.ShouldBe(10);
        provider.Current.Rules.Select(rule => rule.Name).ShouldBe(["restart-fintech-service"]);
        provider.Current.Match(Fixtures.Alert()).Single().Targets.Single().Name.ShouldBe("auth-service");
    }
}
