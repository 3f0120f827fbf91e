using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Observability.Metrics;

namespace Remediator.Observability.Tests;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IMeterFactory _meters;
    private readonly PrometheusExporter _exporter;
    private readonly Meter _meter;

    public PrometheusExporterTests()
    {
        _meters = _services.GetRequiredService<IMeterFactory>();
        _meter = _meters.Create("Remediator");
        _exporter = new PrometheusExporter(["Remediator"], _meters);
    }

    [Fact]
    public void A_counter_is_written_with_total_help_type_and_sorted_escaped_labels()
    {
        var counter = _meter.CreateCounter<long>("remediator.rules.reloads", description: "Rule set loads,\nby outcome \\ trigger.");
        counter.Add(2, new("outcome", "success"), new("rule.name", "say \"hi\"\nback\\slash"));
        counter.Add(1, new("rule.name", "say \"hi\"\nback\\slash"), new("outcome", "success"));
        counter.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));

        _exporter.Scrape().ShouldBe(
            """
            # HELP remediator_rules_reloads_total Rule set loads,\nby outcome \\ trigger.
            # TYPE remediator_rules_reloads_total counter
            remediator_rules_reloads_total{outcome="failure"} 1
            remediator_rules_reloads_total{outcome="success",rule_name="say \"hi\"\nback\\slash"} 3

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_sum_and_count_and_its_unit_as_suffix()
    {
        var histogram = _meter.CreateHistogram<double>("remediator.step.duration", unit: "s", description: "Step durations.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("action", "restart"));
        histogram.Record(1, new KeyValuePair<string, object?>("action", "restart"));
        histogram.Record(42, new KeyValuePair<string, object?>("action", "restart"));

        _exporter.Scrape().ShouldBe(
            """
            # HELP remediator_step_duration_seconds Step durations.
            # TYPE remediator_step_duration_seconds histogram
            remediator_step_duration_seconds_bucket{action="restart",le="0.1"} 1
            remediator_step_duration_seconds_bucket{action="restart",le="1"} 2
            remediator_step_duration_seconds_bucket{action="restart",le="10"} 2
            remediator_step_duration_seconds_bucket{action="restart",le="+Inf"} 3
            remediator_step_duration_seconds_sum{action="restart"} 43.05
            remediator_step_duration_seconds_count{action="restart"} 3

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Histograms_without_advice_get_default_buckets_for_their_unit()
    {
        _meter.CreateHistogram<double>("latency", unit: "s").Record(0.2);
        _meter.CreateHistogram<double>("messaging.consume.duration", unit: "ms").Record(20);

        var text = _exporter.Scrape();

        text.ShouldContain("latency_seconds_bucket{le=\"0.25\"} 1\n");
        text.ShouldContain("latency_seconds_bucket{le=\"600\"} 1\n");
        text.ShouldContain("messaging_consume_duration_milliseconds_bucket{le=\"25\"} 1\n");
        text.ShouldContain("messaging_consume_duration_milliseconds_bucket{le=\"10000\"} 1\n");
    }

    [Fact]
    public void Up_down_counters_and_observable_gauges_are_gauges_and_unreported_gauge_series_disappear()
    {
        var inFlight = _meter.CreateUpDownCounter<int>("remediator.in_flight", unit: "{message}");
        inFlight.Add(3);
        inFlight.Add(-1);
        var reported = new List<Measurement<long>> { new(5, new KeyValuePair<string, object?>("state", "Verifying")), new(1, new KeyValuePair<string, object?>("state", "Pending")) };
        _meter.CreateObservableGauge("remediator.active", () => reported.ToArray());

        var first = _exporter.Scrape();
        first.ShouldContain("# TYPE remediator_in_flight gauge\nremediator_in_flight 2\n");
        first.ShouldContain("# TYPE remediator_active gauge\nremediator_active{state=\"Pending\"} 1\nremediator_active{state=\"Verifying\"} 5\n");

        reported.RemoveAt(1);
        var second = _exporter.Scrape();
        second.ShouldContain("remediator_active{state=\"Verifying\"} 5\n");
        second.ShouldNotContain("Pending");
    }

    [Fact]
    public void Counters_of_things_in_flight_are_gauges()
    {
        var active = _meter.CreateCounter<long>("messaging.masstransit.consume.active", unit: "ea");
        active.Add(2);
        active.Add(-1);

        _exporter.Scrape().ShouldContain("# TYPE messaging_masstransit_consume_active gauge\nmessaging_masstransit_consume_active 1\n");
    }

    [Fact]
    public void Observable_counters_report_their_running_total()
    {
        long total = 7;
        _meter.CreateObservableCounter("remediator.things_total", () => total);
        _exporter.Scrape().ShouldContain("remediator_things_total 7\n");
        total = 9;
        _exporter.Scrape().ShouldContain("remediator_things_total 9\n");
    }

    [Fact]
    public void Families_are_sorted_and_two_scrapes_of_the_same_state_are_equal()
    {
        _meter.CreateCounter<long>("zeta").Add(1, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));
        _meter.CreateCounter<long>("alpha").Add(1);
        _meter.CreateCounter<long>("zeta").Add(1, new KeyValuePair<string, object?>("a", "0"));

        var text = _exporter.Scrape();
        text.IndexOf("alpha_total", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("zeta_total", StringComparison.Ordinal));
        text.IndexOf("zeta_total{a=\"0\"}", StringComparison.Ordinal).ShouldBeLessThan(text.IndexOf("zeta_total{a=\"1\",b=\"2\"}", StringComparison.Ordinal));
        _exporter.Scrape().ShouldBe(text);
    }

    [Fact]
    public void Meters_of_other_names_or_other_factories_are_not_exported()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        otherServices.GetRequiredService<IMeterFactory>().Create("Remediator").CreateCounter<long>("other.host").Add(1);
        _meters.Create("Somebody.Else").CreateCounter<long>("foreign").Add(1);
        using var global = new Meter("Remediator");
        global.CreateCounter<long>("unscoped").Add(1);

        var text = _exporter.Scrape();
        text.ShouldNotContain("other_host");
        text.ShouldNotContain("foreign");
        text.ShouldContain("unscoped_total 1\n");
    }

    [Fact]
    public void Label_values_of_any_type_are_written_invariantly()
    {
        _meter.CreateCounter<double>("values").Add(0.5, new("flag", true), new("number", 1.5), new("missing", null));
        _exporter.Scrape().ShouldContain("values_total{flag=\"true\",missing=\"\",number=\"1.5\"} 0.5\n");
    }

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }
}
