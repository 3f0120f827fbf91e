using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Remediator.Backtest;
using Remediator.Backtest.History;
using Remediator.Backtest.Reporting;
using Remediator.Escalation.Policies;
using Remediator.Rules;

namespace Remediator.Cli;

/// <summary>
/// <c>remediator rules backtest --prometheus URL --from T1 [--to T2] [--rules DIR] [--format json] [--target KEY]</c>:
/// what the rules would have done with the alerts Prometheus fired in the range. The report goes to
/// standard output, progress and errors to standard error.
/// </summary>
public static class RulesBacktestCommand
{
    public const int Done = 0;

    /// <summary>The history could not be read: Prometheus unreachable or refusing the queries.</summary>
    public const int HistoryUnavailable = 1;

    public const int BadInput = 2;

    public const string TextFormat = "text";
    public const string JsonFormat = "json";

    /// <summary>How long one range query may take.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(60);

    public sealed record Arguments
    {
        public required string Prometheus { get; init; }

        public required string From { get; init; }

        public string To { get; init; } = BacktestTime.Now;

        public string Rules { get; init; } = RemediatorCommandLine.DefaultRulesPath;

        public string Format { get; init; } = TextFormat;

        public string? Target { get; init; }

        public string? Rule { get; init; }

        public string? Step { get; init; }

        public FileInfo? Config { get; init; }
    }

    public static async Task<int> RunAsync(Arguments arguments, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var now = time.GetUtcNow();
        if (!Validate(arguments, now, error, out var prometheus, out var from, out var to, out var step))
        {
            return BadInput;
        }

        var loaded = RuleLoader.Load([arguments.Rules]);
        if (!loaded.Succeeded)
        {
            await error.WriteLineAsync($"remediator: the rules in {arguments.Rules} have errors:");
            foreach (var diagnostic in loaded.Diagnostics)
            {
                await error.WriteLineAsync(diagnostic.ToString());
            }

            return BadInput;
        }

        if (arguments.Rule is { } only && loaded.RuleSet!.Rules.All(rule => rule.Name != only))
        {
            await error.WriteLineAsync($"remediator: no rule named '{only}' in {arguments.Rules}");
            return BadInput;
        }

        var policies = LoadPolicies(arguments.Rules, error);
        if (policies is null)
        {
            return BadInput;
        }

        IConfiguration? configuration = null;
        if (arguments.Config is { } config)
        {
            if (!config.Exists)
            {
                await error.WriteLineAsync($"remediator: --config {config.FullName}: no such file");
                return BadInput;
            }

            configuration = new ConfigurationBuilder().AddJsonFile(config.FullName, optional: false).Build();
        }

        using var http = new HttpClient { Timeout = QueryTimeout };
        BacktestReport report;
        try
        {
            report = await Backtester.RunAsync(
                http,
                new BacktestRequest
                {
                    Prometheus = prometheus,
                    From = from,
                    To = to,
                    Step = step,
                    Rules = loaded.RuleSet!,
                    RulesSource = arguments.Rules,
                    Policies = policies,
                    Target = arguments.Target,
                    Rule = arguments.Rule,
                    Configuration = configuration,
                },
                progress => error.WriteLine($"reading alert history: page {progress.Page}/{progress.Pages}, up to {progress.ReadUntil:yyyy-MM-ddTHH:mm:ssZ}, {progress.Series} distinct alerts so far"),
                cancellationToken);
        }
        catch (AlertHistoryException e)
        {
            await error.WriteLineAsync($"remediator: {e.Message}");
            return HistoryUnavailable;
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync($"remediator: --config {arguments.Config?.FullName}: {e.Message}");
            return BadInput;
        }

        if (arguments.Format == JsonFormat)
        {
            BacktestTextWriter.WriteJson(report, output);
        }
        else
        {
            BacktestTextWriter.WriteText(report, output);
        }

        return Done;
    }

    private static bool Validate(Arguments arguments, DateTimeOffset now, TextWriter error, out Uri prometheus, out DateTimeOffset from, out DateTimeOffset to, out TimeSpan step)
    {
        to = default;
        step = PrometheusAlertHistory.DefaultStep;
        var problems = new List<string>();
        if (!BacktestTime.TryParse(arguments.From, now, out from, out var fromError))
        {
            problems.Add($"--from: {fromError}");
        }

        if (!BacktestTime.TryParse(arguments.To, now, out to, out var toError))
        {
            problems.Add($"--to: {toError}");
        }

        if (problems.Count == 0 && to <= from)
        {
            problems.Add($"--from ({from:O}) must be before --to ({to:O})");
        }

        if (problems.Count == 0 && to - from > Backtester.MaxRange)
        {
            problems.Add($"the range from --from to --to is longer than {Backtester.MaxRange.TotalDays} days");
        }

        if (arguments.Step is { } text && (!PromDuration.TryParse(text, out step) || step < TimeSpan.FromSeconds(1)))
        {
            problems.Add($"--step: '{text}' is not a duration of at least 1s (such as 30s or 1m)");
        }

        if (!Uri.TryCreate(arguments.Prometheus, UriKind.Absolute, out prometheus!) || (prometheus.Scheme != Uri.UriSchemeHttp && prometheus.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"--prometheus: '{arguments.Prometheus}' is not an http(s) URL such as http://prometheus:9090");
        }

        if (arguments.Format is not (TextFormat or JsonFormat))
        {
            problems.Add($"--format: '{arguments.Format}' is not '{TextFormat}' or '{JsonFormat}'");
        }

        foreach (var problem in problems)
        {
            error.WriteLine($"remediator: {problem}");
        }

        return problems.Count == 0;
    }

    /// <summary>The escalation policies beside the rules (escalation.yaml), so the report can say whom escalations page; none: escalations page no one.</summary>
    private static EscalationPolicySet? LoadPolicies(string rulesPath, TextWriter error)
    {
        var directory = Directory.Exists(rulesPath) ? rulesPath : Path.GetDirectoryName(Path.GetFullPath(rulesPath))!;
        var file = Path.Combine(directory, EscalationPolicyLoader.FileName);
        if (!File.Exists(file))
        {
            error.WriteLine($"remediator: no {EscalationPolicyLoader.FileName} beside the rules: escalations are reported without whom they would page");
            return EscalationPolicySet.Empty;
        }

        var loaded = EscalationPolicyLoader.Load(file);
        if (loaded.Succeeded)
        {
            return loaded.PolicySet;
        }

        error.WriteLine($"remediator: the escalation policies in {file} have errors:");
        foreach (var diagnostic in loaded.Diagnostics)
        {
            error.WriteLine(diagnostic.ToString());
        }

        return null;
    }
}
