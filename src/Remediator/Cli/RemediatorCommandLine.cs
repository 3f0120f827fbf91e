using System.CommandLine;
using Remediator.Hosting;
using Remediator.Rules.Schema;

namespace Remediator.Cli;

/// <summary>The command-line surface: <c>rules lint</c>, <c>rules test</c>, <c>rules schema</c>, <c>rules backtest</c>, and <c>run</c> (the default).</summary>
public static class RemediatorCommandLine
{
    /// <summary>Where the rules are looked for when no path is given, as in <c>Remediator:Rules:Path</c>.</summary>
    public const string DefaultRulesPath = "rules";

    /// <summary>The exit code for a command line that does not parse (unknown verb, missing option).</summary>
    public const int UsageError = 2;

    /// <summary>
    /// Parses and runs <paramref name="args"/>. A command line that does not parse exits with
    /// <see cref="UsageError"/>, so scripts can tell it from "the rules have errors" (1).
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var parseResult = Create().Parse(args);
        if (parseResult.Errors.Count == 0)
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }

        foreach (var error in parseResult.Errors)
        {
            await configuration.Error.WriteLineAsync($"remediator: {error.Message}");
        }

        await configuration.Error.WriteLineAsync("Run 'remediator --help' (or '<command> --help') for usage.");
        return UsageError;
    }

    public static RootCommand Create()
    {
        var root = new RootCommand("Remediator: alert-driven automated remediation for Kubernetes.")
        {
            // Host arguments (--urls, --environment, Remediator:...=...) pass through to ASP.NET Core.
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction(RunEngineAsync);

        var run = new Command("run", "Run the engine: webhook, API, rules and bus consumers (the default).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        run.SetAction(RunEngineAsync);
        root.Subcommands.Add(run);

        var rules = new Command("rules", "Check rule files, and what they would have done.");
        rules.Subcommands.Add(CreateLint());
        rules.Subcommands.Add(CreateTest());
        rules.Subcommands.Add(CreateSchema());
        rules.Subcommands.Add(CreateBacktest());
        root.Subcommands.Add(rules);
        return root;
    }

    private static Task<int> RunEngineAsync(ParseResult parseResult, CancellationToken cancellationToken) =>
        RemediatorWebHost.RunAsync([.. parseResult.UnmatchedTokens], parseResult.InvocationConfiguration.Error, cancellationToken);

    private static Command CreateLint()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Rule directories or files (default: rules).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var lint = new Command("lint", "Validate rule files; prints every error as file:line:column and exits 1 if there are any.") { paths };
        lint.SetAction(parseResult =>
        {
            var given = parseResult.GetValue(paths) ?? [];
            return RulesLintCommand.Run(given.Length > 0 ? given : [DefaultRulesPath], parseResult.InvocationConfiguration.Output);
        });
        return lint;
    }

    private static Command CreateSchema()
    {
        var schema = new Command("schema", $"Print the JSON Schema for rule files, generated from the action catalog ({RuleSchema.Command}).");
        schema.SetAction(async (parseResult, cancellationToken) =>
        {
            await parseResult.InvocationConfiguration.Output.WriteAsync(RuleSchema.Generate().AsMemory(), cancellationToken);
            return 0;
        });
        return schema;
    }

    private static Command CreateTest()
    {
        var alert = new Option<FileInfo>("--alert")
        {
            Description = "An Alertmanager webhook payload (JSON, version 4).",
            Required = true,
        };
        var rulesPath = new Option<string>("--rules")
        {
            Description = "The rule directory or file (default: rules).",
            DefaultValueFactory = _ => DefaultRulesPath,
        };
        var test = new Command("test", "Show which rules match an alert payload and what they would do; exits 0 if any rule matched, 1 if none, 2 for bad input.")
        {
            alert,
            rulesPath,
        };
        test.SetAction(parseResult => RulesTestCommand.Run(
            parseResult.GetRequiredValue(alert),
            parseResult.GetRequiredValue(rulesPath),
            TimeProvider.System,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return test;
    }

    private static Command CreateBacktest()
    {
        var prometheus = new Option<string>("--prometheus")
        {
            Description = "The Prometheus whose ALERTS history is replayed, e.g. http://prometheus:9090.",
            Required = true,
        };
        var from = new Option<string>("--from")
        {
            Description = "The range's start: RFC 3339 (2026-11-20T10:00:00Z) or a duration ago (7d).",
            Required = true,
        };
        var to = new Option<string>("--to")
        {
            Description = "The range's end, as --from (default: now).",
            DefaultValueFactory = _ => Backtest.BacktestTime.Now,
        };
        var rulesPath = new Option<string>("--rules")
        {
            Description = "The rule directory or file (default: rules); escalation.yaml beside the rules names whom escalations page.",
            DefaultValueFactory = _ => DefaultRulesPath,
        };
        var format = new Option<string>("--format")
        {
            Description = "text (default) or json.",
            DefaultValueFactory = _ => RulesBacktestCommand.TextFormat,
        };
        var target = new Option<string?>("--target") { Description = "A target (deployment/fintech-services/auth-service) whose timeline to print." };
        var rule = new Option<string?>("--rule") { Description = "Report this rule only (all rules still run: they share the guards)." };
        var step = new Option<string?>("--step") { Description = "The range queries' step, at least the alert rules' evaluation interval (default 30s)." };
        var config = new Option<FileInfo?>("--config") { Description = "An engine settings file (appsettings.json) whose Remediator:Guards section replaces the defaults." };
        var backtest = new Command("backtest", "Replay the alerts Prometheus fired in a range through the rules and the guards on a simulated clock; exits 0, 1 if the history cannot be read, 2 for bad input.")
        {
            prometheus,
            from,
            to,
            rulesPath,
            format,
            target,
            rule,
            step,
            config,
        };
        backtest.SetAction((parseResult, cancellationToken) => RulesBacktestCommand.RunAsync(
            new RulesBacktestCommand.Arguments
            {
                Prometheus = parseResult.GetRequiredValue(prometheus),
                From = parseResult.GetRequiredValue(from),
                To = parseResult.GetRequiredValue(to),
                Rules = parseResult.GetRequiredValue(rulesPath),
                Format = parseResult.GetRequiredValue(format),
                Target = parseResult.GetValue(target),
                Rule = parseResult.GetValue(rule),
                Step = parseResult.GetValue(step),
                Config = parseResult.GetValue(config),
            },
            TimeProvider.System,
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            cancellationToken));
        return backtest;
    }
}
