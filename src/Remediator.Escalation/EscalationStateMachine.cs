using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Delivery;
using Remediator.Escalation.Messages;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation;

/// <summary>
/// Pages people when automation gives up. A <see cref="RemediationEscalated"/> starts it: the
/// policy (the rule's, else the severity's default) is copied in and its first tier paged at once
/// (Paging); each tier has its wait to acknowledge before the next is paged (a durable scheduled
/// message). A tier whose every channel failed moves on at once. <see cref="AcknowledgeEscalation"/>
/// stops the climb (Acknowledged) and acknowledges where channels can; a later successful
/// remediation of the same rule and target, or a resolved alert of the remediation, resolves it on
/// every channel that was told (Resolved). Without a policy it ends Unrouted.
/// </summary>
public sealed class EscalationStateMachine : MassTransitStateMachine<EscalationState>
{
    private readonly TimeProvider _time;
    private readonly EscalationOptions _options;

    public EscalationStateMachine(TimeProvider time, IOptions<EscalationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _options = options.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Escalated, x => x.CorrelateById(c => c.Message.RemediationId));
        Event(() => Delivered, x =>
        {
            x.CorrelateById(c => c.Message.RemediationId);

            // Notify deliveries have no escalation.
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => DeliveryFaulted, x =>
        {
            x.CorrelateById(c => c.Message.Message.RemediationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Acknowledge, x =>
        {
            x.CorrelateById(c => c.Message.RemediationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => Recovered, x =>
        {
            // By property and value, not an expression over the message: the durable repository
            // reads the escalations of that remediation by an indexed column (SagaLookup).
            x.CorrelateBy<Guid>(saga => saga.RemediationCorrelationId, c => c.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => AlertResolved, x =>
        {
            x.CorrelateById(c => c.Message.RemediationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => TierDue, x => x.TierDueTokenId, s => s.Received = r => r.CorrelateById(c => c.Message.RemediationId));

        // A redelivered escalation, a late timer, a firing alert: nothing to do.
        OnUnhandledEvent(x => x.Ignore());

        Initially(
            When(Escalated)
                .Then(Start)
                .IfElse(
                    c => c.Saga.Tiers.Count > 0,
                    paging => Page(paging.TransitionTo(Paging), _ => 0),
                    unrouted => unrouted.Then(LogUnrouted).TransitionTo(Unrouted)));

        During(
            Paging,
            When(TierDue.Received, c => c.Message.Tier == c.Saga.Tier + 1)
                .Then(c => c.Saga.NextTierAt = null)
                .Then(c => c.Saga.Note(Now, $"tier '{c.Saga.Tiers[c.Saga.Tier].Name}' did not acknowledge in time"))
                .If(c => c.Message.Tier < c.Saga.Tiers.Count, x => Page(x, c => c.Message.Tier)),
            When(Acknowledge)
                .Unschedule(TierDue)
                .Then(c =>
                {
                    c.Saga.NextTierAt = null;
                    c.Saga.AcknowledgedBy = c.Message.By;
                    c.Saga.AcknowledgedAt = c.Message.At;
                })
                .TransitionTo(Acknowledged)
                .Then(c => c.Saga.Note(Now, $"acknowledged{(c.Message.By is null ? "" : $" by {c.Message.By}")}{(c.Message.Comment is null ? "" : $": {c.Message.Comment}")}"))
                .ThenAsync(c => TellAllAsync(c, DeliveryKind.Acknowledge, AcknowledgeNote(c.Saga))));

        During(
            [Paging, Acknowledged],
            When(Recovered, c => c.Message.RemediationId != c.Saga.CorrelationId)
                .Then(c => Resolving(c.Saga, $"remediation {c.Message.RemediationId} of the same rule and target succeeded: {c.Message.Reason}"))
                .Unschedule(TierDue)
                .TransitionTo(Resolved)
                .ThenAsync(c => TellAllAsync(c, DeliveryKind.Resolve, c.Saga.Resolution)),
            When(AlertResolved)
                .Then(c => Resolving(c.Saga, $"alert {c.Message.Fingerprint} resolved"))
                .Unschedule(TierDue)
                .TransitionTo(Resolved)
                .ThenAsync(c => TellAllAsync(c, DeliveryKind.Resolve, c.Saga.Resolution)));

        During(
            [Paging, Acknowledged, Resolved, Unrouted],
            Report(When(Delivered), m => new DeliveryReport(m.Channel, m.Kind, m.Tier, m.Succeeded, m.Detail)),

            // A delivery that threw past its retries (a bug, not a channel answer) is a failure like any other.
            Report(When(DeliveryFaulted), m => new DeliveryReport(m.Message.Channel.Name, m.Message.Kind, m.Message.Tier, false, $"delivery faulted: {string.Join("; ", m.Exceptions.Select(e => e.ExceptionType))}")));
    }

    /// <summary>Tiers are being paged; the next is scheduled unless the last was reached.</summary>
    public State Paging { get; private set; } = null!;

    /// <summary>Someone took it: no more tiers.</summary>
    public State Acknowledged { get; private set; } = null!;

    /// <summary>The problem went away; every channel that was told heard it.</summary>
    public State Resolved { get; private set; } = null!;

    /// <summary>No policy applied (none named, no severity default, or no policy file): no one was paged.</summary>
    public State Unrouted { get; private set; } = null!;

    public Event<RemediationEscalated> Escalated { get; private set; } = null!;

    public Event<EscalationDelivered> Delivered { get; private set; } = null!;

    public Event<Fault<DeliverEscalation>> DeliveryFaulted { get; private set; } = null!;

    public Event<AcknowledgeEscalation> Acknowledge { get; private set; } = null!;

    public Event<RemediationRecovered> Recovered { get; private set; } = null!;

    public Event<RemediationAlertResolved> AlertResolved { get; private set; } = null!;

    public Schedule<EscalationState, EscalationTierDue> TierDue { get; private set; } = null!;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Pages tier <paramref name="tier"/>, then any tiers after it with no wait, and schedules the next one that has a wait.</summary>
    private EventActivityBinder<EscalationState, T> Page<T>(EventActivityBinder<EscalationState, T> binder, Func<BehaviorContext<EscalationState, T>, int> tier)
        where T : class =>
        binder
            .ThenAsync(async c =>
            {
                var index = tier(c);
                while (true)
                {
                    await PageTierAsync(c, index);
                    if (c.Saga.Tiers[index].EscalateAfter is not { } wait || index + 1 >= c.Saga.Tiers.Count)
                    {
                        c.Saga.NextTierAt = null;
                        return;
                    }

                    if (wait > TimeSpan.Zero)
                    {
                        c.Saga.NextTierAt = Now + wait;
                        c.Saga.Note(Now, $"tier '{c.Saga.Tiers[index + 1].Name}' is due at {c.Saga.NextTierAt:O} unless acknowledged");
                        return;
                    }

                    index++;
                }
            })
            .If(
                c => c.Saga.NextTierAt is not null,
                schedule => schedule.Schedule(
                    TierDue,
                    c => new EscalationTierDue { RemediationId = c.Saga.CorrelationId, Tier = c.Saga.Tier + 1 },
                    c => c.Saga.NextTierAt!.Value.UtcDateTime));

    private async Task PageTierAsync<T>(BehaviorContext<EscalationState, T> context, int index)
        where T : class
    {
        var saga = context.Saga;
        var tier = saga.Tiers[index];
        saga.Tier = index;
        saga.DeadChannels = [];
        saga.Note(Now, $"paging tier {index + 1} '{tier.Name}'{(tier.Contacts.Count == 0 ? "" : $" ({string.Join("; ", tier.Contacts.Select(c => c.ToString()))})")} via {string.Join(", ", tier.Channels.Select(c => c.Name))}");
        context.GetServiceOrCreateInstance<EscalationMetrics>().TierPaged(saga.Policy, routed: true);
        foreach (var channel in tier.Channels)
        {
            await SendAsync(context, channel, DeliveryKind.Trigger, index, note: null);
        }
    }

    private void Start(BehaviorContext<EscalationState, RemediationEscalated> context)
    {
        var message = context.Message;
        var saga = context.Saga;
        var policies = context.GetServiceOrCreateInstance<IEscalationPolicyProvider>().Current;
        var policy = policies.Resolve(message.EscalationPolicy, message.Severity, out var note);
        saga.RemediationCorrelationId = message.CorrelationId;
        saga.StartedAt = Now;
        saga.Fingerprints = message.Fingerprints;
        saga.Policy = policy?.Name;
        saga.Tiers = policy?.Tiers ?? [];
        saga.Notice = new EscalationNotice
        {
            RemediationId = message.RemediationId,
            RuleName = message.RuleName,
            Target = message.Target,
            Severity = message.Severity,
            Policy = policy?.Name,
            Reason = message.Reason,
            Attempts = message.Attempts,
            Fingerprints = message.Fingerprints,
            Timeline = message.Timeline,
            Steps = message.Steps,
            EscalatedAt = message.At,
            DashboardUrl = RemediationLinks.DashboardPage(_options.PublicBaseUrl, message.RemediationId),
            GeneratorUrl = message.GeneratorUrl,
        };
        saga.Note(Now, $"escalated: {message.Reason}");
        if (note is not null)
        {
            saga.Note(Now, note);
        }
    }

    private static void LogUnrouted(BehaviorContext<EscalationState, RemediationEscalated> context)
    {
        context.GetServiceOrCreateInstance<EscalationMetrics>().TierPaged(null, routed: false);
        context.GetServiceOrCreateInstance<ILogger<EscalationStateMachine>>().LogWarning(
            "Remediation {RemediationId} ({Rule} on {Target}) escalated but no escalation policy applies: no one was paged",
            context.Message.RemediationId,
            context.Message.RuleName,
            context.Message.Target);
    }

    private void Resolving(EscalationState saga, string resolution)
    {
        saga.NextTierAt = null;
        saga.ResolvedAt = Now;
        saga.Resolution = resolution;
        saga.Note(Now, $"resolving: {resolution}");
    }

    private async Task TellAllAsync<T>(BehaviorContext<EscalationState, T> context, DeliveryKind kind, string? note)
        where T : class
    {
        foreach (var name in context.Saga.ChannelsTold)
        {
            if (FindChannel(context.Saga, name) is { } channel)
            {
                await SendAsync(context, channel, kind, context.Saga.Tier, note);
            }
        }
    }

    private async Task CatchUpAsync<T>(BehaviorContext<EscalationState, T> context, DeliveryReport report)
        where T : class
    {
        var saga = context.Saga;
        if (FindChannel(saga, report.Channel) is not { } channel)
        {
            return;
        }

        if (saga.CurrentState == Acknowledged.Name)
        {
            await SendAsync(context, channel, DeliveryKind.Acknowledge, saga.Tier, AcknowledgeNote(saga));
        }
        else if (saga.CurrentState == Resolved.Name)
        {
            await SendAsync(context, channel, DeliveryKind.Resolve, saga.Tier, saga.Resolution);
        }
    }

    /// <summary>
    /// Records a delivery's outcome. A page that got through joins the channels told (and hears an
    /// acknowledgement or resolution that happened meanwhile); when every channel of the current
    /// tier failed, the next tier is paged at once.
    /// </summary>
    private EventActivityBinder<EscalationState, T> Report<T>(EventActivityBinder<EscalationState, T> binder, Func<T, DeliveryReport> read)
        where T : class =>
        binder
            .Then(c =>
            {
                var r = read(c.Message);
                c.Saga.Note(Now, $"{r.Kind.ToString().ToLowerInvariant()} via {r.Channel}: {(r.Succeeded ? "delivered" : "FAILED")} ({r.Detail})");
            })
            .IfElse(
                c => read(c.Message) is { Kind: DeliveryKind.Trigger, Succeeded: true },
                told => told
                    .Then(c => c.Saga.ChannelsTold = c.Saga.ChannelsTold.Contains(read(c.Message).Channel) ? c.Saga.ChannelsTold : [.. c.Saga.ChannelsTold, read(c.Message).Channel])
                    .ThenAsync(c => CatchUpAsync(c, read(c.Message))),
                failed => failed.If(
                    c => read(c.Message) is { Kind: DeliveryKind.Trigger } r && c.Saga.CurrentState == Paging.Name && r.Tier == c.Saga.Tier,
                    dead => dead
                        .Then(c => c.Saga.DeadChannels = [.. c.Saga.DeadChannels, read(c.Message).Channel])
                        .If(
                            c => c.Saga.Tiers[c.Saga.Tier].Channels.All(channel => c.Saga.DeadChannels.Contains(channel.Name)),
                            moveOn => moveOn
                                .Unschedule(TierDue)
                                .Then(c => c.Saga.NextTierAt = null)
                                .IfElse(
                                    c => c.Saga.Tier + 1 < c.Saga.Tiers.Count,
                                    next => Page(next.Then(c => c.Saga.Note(Now, $"every channel of tier '{c.Saga.Tiers[c.Saga.Tier].Name}' failed: paging the next tier now")), c => c.Saga.Tier + 1),
                                    last => last.Then(c => c.Saga.Note(Now, $"every channel of the last tier '{c.Saga.Tiers[c.Saga.Tier].Name}' failed: no one could be paged"))))));

    private async Task SendAsync<T>(BehaviorContext<EscalationState, T> context, ChannelDefinition channel, DeliveryKind kind, int tier, string? note)
        where T : class
    {
        var saga = context.Saga;
        var formatter = context.GetServiceOrCreateInstance<IEndpointNameFormatter>();
        var endpoint = await context.GetSendEndpoint(DeliverEscalationConsumer.Address(formatter));
        await endpoint.Send(
            new DeliverEscalation
            {
                DeliveryId = EscalationKeys.DeliveryId(saga.CorrelationId, channel.Name, kind, tier),
                RemediationId = saga.CorrelationId,
                Channel = channel,
                Kind = kind,
                Tier = tier,
                TierName = saga.Tiers[tier].Name,
                Contacts = [.. saga.Tiers[tier].Contacts.Select(contact => contact.ToString())],
                Notice = saga.Notice!,
                Note = note,
                At = Now,
            },
            context.CancellationToken);
    }

    private static ChannelDefinition? FindChannel(EscalationState saga, string name) =>
        saga.Tiers.SelectMany(tier => tier.Channels).FirstOrDefault(channel => channel.Name == name);

    private static string AcknowledgeNote(EscalationState saga) =>
        $"Acknowledged{(saga.AcknowledgedBy is null ? "" : $" by {saga.AcknowledgedBy}")}: no further tiers will be paged.";

    private sealed record DeliveryReport(string Channel, DeliveryKind Kind, int Tier, bool Succeeded, string Detail);
}
