using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Remediator.Escalation.Channels;
using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Tests;

/// <summary>The real channels (as AddEscalationServices registers them) aimed at loopback receivers, with short back-offs.</summary>
public sealed class ChannelFixture : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public LoopbackReceiver Http { get; private set; } = null!;

    public SmtpReceiver Smtp { get; private set; } = null!;

    public ChannelDefinition PagerDuty { get; private set; } = null!;

    public ChannelDefinition Slack { get; } = new() { Name = "slack", Type = ChannelType.Slack, Secrets = new Dictionary<string, string> { ["webhook-url"] = "slack-url" } };

    public ChannelDefinition Teams { get; } = new() { Name = "teams", Type = ChannelType.Teams, Secrets = new Dictionary<string, string> { ["webhook-url"] = "teams-url" } };

    public ChannelDefinition Opsgenie { get; private set; } = null!;

    public ChannelDefinition Webhook { get; } = new() { Name = "hook", Type = ChannelType.Webhook, Secrets = new Dictionary<string, string> { ["url"] = "hook-url", ["signing-secret"] = "hook-key" } };

    public ChannelDefinition Email { get; private set; } = null!;

    public const string RoutingKey = "R0UTING-KEY-0123456789abcdef";
    public const string GenieKey = "genie-key-secret";
    public const string SigningKey = "webhook-signing-key";

    public async Task InitializeAsync()
    {
        Http = await LoopbackReceiver.StartAsync();
        Smtp = SmtpReceiver.Start();
        PagerDuty = new() { Name = "pagerduty", Type = ChannelType.PagerDuty, Settings = new Dictionary<string, string> { ["url"] = Http.Url("/pagerduty/v2/enqueue").ToString() }, Secrets = new Dictionary<string, string> { ["routing-key"] = "pd-key" } };
        Opsgenie = new() { Name = "opsgenie", Type = ChannelType.Opsgenie, Settings = new Dictionary<string, string> { ["url"] = Http.Url("/opsgenie").ToString() }, Secrets = new Dictionary<string, string> { ["api-key"] = "og-key" } };
        Email = new()
        {
            Name = "email",
            Type = ChannelType.Email,
            Settings = new Dictionary<string, string> { ["host"] = "127.0.0.1", ["port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["from"] = "remediator@petclinic.example" },
            To = ["oncall@petclinic.example", "devops@petclinic.example"],
        };
        _services = Services(Http, TimeProvider.System).BuildServiceProvider(validateScopes: true);
    }

    public static IServiceCollection Services(LoopbackReceiver http, TimeProvider time) =>
        new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddSingleton(time)
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Remediator:Escalation:Secrets:pd-key"] = RoutingKey,
                ["Remediator:Escalation:Secrets:og-key"] = GenieKey,
                ["Remediator:Escalation:Secrets:slack-url"] = http.Url("/slack/services/T000/B000/XXXX").ToString(),
                ["Remediator:Escalation:Secrets:teams-url"] = http.Url("/teams/workflows/abc/triggers/manual").ToString(),
                ["Remediator:Escalation:Secrets:hook-url"] = http.Url("/hook").ToString(),
                ["Remediator:Escalation:Secrets:hook-key"] = SigningKey,
            }).Build())
            .AddEscalationServices()
            .Configure<EscalationOptions>(options =>
            {
                options.Delivery.BaseDelay = TimeSpan.FromMilliseconds(5);
                options.Delivery.MaxDelay = TimeSpan.FromMilliseconds(20);
                options.Delivery.MaxRetries = 3;
                options.Delivery.MaxRetryAfter = TimeSpan.FromSeconds(2);
            });

    public IEscalationChannel Channel(ChannelType type) => _services.GetServices<IEscalationChannel>().Single(c => c.Type == type);

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await Http.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
