using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Remediator.Engine.Tests;

public class EngineHostingExtensionsTests
{
    private static bool UsageTelemetryEnabled(string? setting)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (setting is not null)
        {
            builder.Configuration["Remediator:Bus:UsageTelemetry"] = setting;
        }

        builder.AddRemediatorBus();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled;
    }

    [Fact]
    public void MassTransit_usage_telemetry_is_off_unless_the_setting_turns_it_on()
    {
        UsageTelemetryEnabled(null).ShouldBeFalse();
        UsageTelemetryEnabled("false").ShouldBeFalse();
        UsageTelemetryEnabled("true").ShouldBeTrue();
    }
}
