using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Remediator.LoadHarness;

/// <summary>What one kind of alert costs the engine, per alert, from its own counters.</summary>
public sealed record LedgerEntry(
    string Name,
    int Alerts,
    IReadOnlyDictionary<string, double> MessagesByType,
    IReadOnlyDictionary<string, double> TimersByType,
    IReadOnlyDictionary<string, double> HandledByType,
    IReadOnlyDictionary<string, double> SentByType,
    double Statements,
    double TransactionCommits,
    double AutocommitStatements)
{
    public double Messages => MessagesByType.Values.Sum();

    public double Timers => TimersByType.Values.Sum();

    public double Commits => TransactionCommits + AutocommitStatements;

    /// <summary>Statements plus transaction commits (BEGIN travels with the first statement).</summary>
    public double RoundTrips => Statements + TransactionCommits;

    /// <summary>What this entry costs beyond <paramref name="part"/> (per alert of each), e.g. a new remediation with a join, less a new remediation.</summary>
    public LedgerEntry Minus(LedgerEntry part, string name)
    {
        ArgumentNullException.ThrowIfNull(part);
        return new LedgerEntry(
            name,
            Alerts,
            Subtract(MessagesByType, part.MessagesByType),
            Subtract(TimersByType, part.TimersByType),
            Subtract(HandledByType, part.HandledByType),
            Subtract(SentByType, part.SentByType),
            Statements - part.Statements,
            TransactionCommits - part.TransactionCommits,
            AutocommitStatements - part.AutocommitStatements);
    }

    private static Dictionary<string, double> Subtract(IReadOnlyDictionary<string, double> whole, IReadOnlyDictionary<string, double> part) =>
        whole.Keys.Union(part.Keys)
            .Select(key => (Key: key, Value: whole.GetValueOrDefault(key) - part.GetValueOrDefault(key)))
            .Where(p => Math.Abs(p.Value) >= 0.05)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}

/// <summary>
/// The ledger of bench/README.md: per new remediation, per repeat of a finished target and per
/// join of a running one, the durable messages (outbox rows by type), timers, messages handled and
/// database statements and commits, read from the engine's <c>/metrics</c> before and after each
/// phase (the engine's own counters: <c>remediator_outbox_messages_total</c>,
/// <c>remediator_db_commands_total</c>, <c>remediator_db_commits_total</c>,
/// <c>messaging_masstransit_consume_total</c>). The engine's idle work (the dispatcher's poll) is
/// measured first and subtracted.
/// </summary>
public sealed class Ledger(HttpClient http, Uri engine, string bearerToken, TextWriter output)
{
    private const string Outbox = "remediator_outbox_messages_total";
    private const string Commands = "remediator_db_commands_total";
    private const string Commits = "remediator_db_commits_total";
    public const string Consumed = "messaging_masstransit_consume_total";
    private const string SagaConsumed = "messaging_masstransit_saga_total";
    private const string Executed = "messaging_masstransit_execute_total";
    private const string Sent = "messaging_masstransit_send_total";
    public const string ConsumedType = "messaging_masstransit_message_type";

    /// <summary>How long the engine's counters must stand still for a phase to be over.</summary>
    private static readonly TimeSpan _quiet = TimeSpan.FromSeconds(3);

    private double _idleStatementsPerSecond;
    private double _idleAutocommitsPerSecond;

    /// <summary>The idle rate of the engine's statements, over <paramref name="window"/> with nothing sent, once earlier work has settled.</summary>
    public async Task MeasureIdleAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        // The warm-up's alerts are still being handled a while after the webhook accepted them.
        var before = await QuietAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        var after = await MetricsSnapshot.ScrapeAsync(http, engine, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        _idleStatementsPerSecond = (after.Sum(Commands) - before.Sum(Commands)) / seconds;
        _idleAutocommitsPerSecond = (after.Sum(Commits, "kind=\"autocommit\"") - before.Sum(Commits, "kind=\"autocommit\"")) / seconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  idle: {_idleStatementsPerSecond:F1} statements/s ({_idleAutocommitsPerSecond:F1} autocommit), subtracted below"));
    }

    /// <summary>
    /// Sends <paramref name="notifications"/> (a few in flight), then lets <paramref name="followUp"/>
    /// send more when it decides to (given a way to post one: the join phase sends each target's
    /// second alert once its run acts), waits until the engine is quiet, and returns the cost per
    /// <paramref name="alerts"/>.
    /// </summary>
    public async Task<LedgerEntry> PhaseAsync(string name, IReadOnlyList<byte[]> notifications, int alerts, CancellationToken cancellationToken, Func<Func<byte[], Task>, Task>? followUp = null)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        var before = await MetricsSnapshot.ScrapeAsync(http, engine, cancellationToken);
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(4);
        await Task.WhenAll(notifications.Select(async body =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                await PostAsync(body, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
        if (followUp is not null)
        {
            await followUp(body => PostAsync(body, cancellationToken));
        }

        var after = await QuietAsync(cancellationToken);

        // The last quiet spell is idle time too, like the phase's own share of the dispatcher's polls.
        var seconds = clock.Elapsed.TotalSeconds;
        return new LedgerEntry(
            name,
            alerts,
            PerAlert(Delta(before.SumBy(Outbox, "message_type", "kind=\"message\""), after.SumBy(Outbox, "message_type", "kind=\"message\"")), alerts),
            PerAlert(Delta(before.SumBy(Outbox, "message_type", "kind=\"timer\""), after.SumBy(Outbox, "message_type", "kind=\"timer\"")), alerts),
            PerAlert(Handled(after, before), alerts),
            PerAlert(Delta(before.SumBy(Sent, ConsumedType), after.SumBy(Sent, ConsumedType)), alerts),
            (after.Sum(Commands) - before.Sum(Commands) - (_idleStatementsPerSecond * seconds)) / alerts,
            (after.Sum(Commits, "kind=\"transaction\"") - before.Sum(Commits, "kind=\"transaction\"")) / alerts,
            (after.Sum(Commits, "kind=\"autocommit\"") - before.Sum(Commits, "kind=\"autocommit\"") - (_idleAutocommitsPerSecond * seconds)) / alerts);
    }

    /// <summary>Prints one entry as the ledger's lines.</summary>
    public void Print(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  LEDGER {entry.Name} ({entry.Alerts} alerts): {entry.Messages:F1} durable messages, {entry.Timers:F1} timers, {entry.Statements:F1} statements, {entry.Commits:F1} commits ({entry.TransactionCommits:F1} transactions + {entry.AutocommitStatements:F1} autocommit), {entry.RoundTrips:F1} round trips"));
        output.WriteLine($"    messages: {Format(entry.MessagesByType)}");
        output.WriteLine($"    timers:   {Format(entry.TimersByType)}");
        output.WriteLine($"    handled:  {Format(entry.HandledByType)}");
        output.WriteLine($"    sent to the transport (the dispatcher's sends of outbox rows show as ScheduledMessagePlaceholder): {Format(entry.SentByType)}");
    }

    private async Task PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(engine, "api/v1/alerts")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The engine answered {(int)response.StatusCode} to a ledger notification: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Scrapes until messages written and handled, and transactions, stood still for <see cref="_quiet"/> (at most two minutes).</summary>
    private async Task<MetricsSnapshot> QuietAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var last = await MetricsSnapshot.ScrapeAsync(http, engine, cancellationToken);
        var still = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            var next = await MetricsSnapshot.ScrapeAsync(http, engine, cancellationToken);
            // Idle, the dispatcher polls about once a second; more statements than that is work
            // (on SQLite, handlings waiting for the write lock run statements before they count).
            if (next.Sum(Outbox) != last.Sum(Outbox) || next.Sum(Consumed) != last.Sum(Consumed) || next.Sum(SagaConsumed) != last.Sum(SagaConsumed)
                || next.Sum(Commits, "kind=\"transaction\"") != last.Sum(Commits, "kind=\"transaction\"") || next.Sum(Commands) - last.Sum(Commands) > 2)
            {
                still.Restart();
            }

            last = next;
            if (still.Elapsed >= _quiet)
            {
                return last;
            }
        }

        throw new TimeoutException("The engine did not settle within two minutes.");
    }

    /// <summary>Messages handled by consumers, sagas (prefixed <c>saga:</c>) and Courier activities (<c>execute:</c>).</summary>
    private static Dictionary<string, double> Handled(MetricsSnapshot after, MetricsSnapshot before)
    {
        var handled = Delta(before.SumBy(Consumed, ConsumedType), after.SumBy(Consumed, ConsumedType));
        foreach (var (type, count) in Delta(before.SumBy(SagaConsumed, ConsumedType), after.SumBy(SagaConsumed, ConsumedType)))
        {
            handled[$"saga:{type}"] = count;
        }

        foreach (var (type, count) in Delta(before.SumBy(Executed, "messaging_masstransit_activity_type"), after.SumBy(Executed, "messaging_masstransit_activity_type")))
        {
            handled[$"execute:{type}"] = count;
        }

        return handled;
    }

    private static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.Select(p => (p.Key, Value: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    private static Dictionary<string, double> PerAlert(Dictionary<string, double> totals, int alerts) =>
        totals.ToDictionary(p => p.Key, p => p.Value / alerts, StringComparer.Ordinal);

    private static string Format(IReadOnlyDictionary<string, double> byType)
    {
        if (byType.Count == 0)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach (var (type, value) in byType.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{(text.Length == 0 ? "" : ", ")}{type} {value:0.##}");
        }

        return text.ToString();
    }
}
