using System.Text.Json.Nodes;
using Remediator.Contracts;

namespace Remediator.Intake.Tests;

public class AlertmanagerPayloadParserTests
{
    [Fact]
    public void Parses_a_valid_payload_with_every_field()
    {
        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid()));

        result.IsValid.ShouldBeTrue(result.Error?.ToString());
        var notification = result.Notification;
        notification.Version.ShouldBe("4");
        notification.Receiver.ShouldBe("remediator");
        notification.Status.ShouldBe(AlertStatus.Firing);
        notification.GroupLabels["alertname"].ShouldBe("ServiceNotResponding");
        notification.CommonLabels["namespace"].ShouldBe("fintech-services");
        notification.ExternalUrl.ShouldBe("http://alertmanager:9093");
        notification.Alerts.Count.ShouldBe(2);

        var firing = notification.Alerts[0];
        firing.Fingerprint.ShouldBe(Payloads.Fingerprint);
        firing.Status.ShouldBe(AlertStatus.Firing);
        firing.Labels["service"].ShouldBe("auth-service");
        firing.Annotations["summary"].ShouldBe("auth-service is not responding");
        firing.GeneratorUrl.ShouldBe("http://prometheus:9090/graph?g0.expr=up");

        var resolved = notification.Alerts[1];
        resolved.Status.ShouldBe(AlertStatus.Resolved);
        resolved.StartsAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));
        resolved.EndsAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Alertmanagers_zero_end_time_means_no_end()
    {
        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid()));

        result.Notification!.Alerts[0].EndsAt.ShouldBeNull();
    }

    [Fact]
    public void Go_nanosecond_timestamps_keep_dotnet_precision()
    {
        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid()));

        result.Notification!.Alerts[0].StartsAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));
    }

    [Fact]
    public void Unknown_fields_from_newer_alertmanagers_are_ignored()
    {
        var payload = Payloads.Valid();
        payload["notification_reason"] = "group_interval";
        payload["routeLabels"] = new JsonObject { ["team"] = "payments" };
        payload["alerts"]![0]!["silencedBy"] = new JsonArray();
        payload["alerts"]![0]!["extra"] = new JsonObject { ["nested"] = 1 };

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.IsValid.ShouldBeTrue(result.Error?.ToString());
    }

    [Fact]
    public void Optional_fields_may_be_absent_or_null()
    {
        var payload = Payloads.Valid();
        payload.Remove("groupLabels");
        payload["commonLabels"] = null;
        payload.Remove("commonAnnotations");
        payload.Remove("externalURL");
        payload.Remove("truncatedAlerts");
        var alert = payload["alerts"]![0]!.AsObject();
        alert.Remove("annotations");
        alert.Remove("endsAt");
        alert["generatorURL"] = null;

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.IsValid.ShouldBeTrue(result.Error?.ToString());
        result.Notification.CommonLabels.ShouldBeEmpty();
        result.Notification.Alerts[0].Annotations.ShouldBeEmpty();
        result.Notification.Alerts[0].EndsAt.ShouldBeNull();
        result.Notification.Alerts[0].GeneratorUrl.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Payloads.BadPayloads), MemberType = typeof(Payloads))]
    public void A_bad_payload_names_the_first_problem_field(string name, string expectedField)
    {
        var result = AlertmanagerPayloadParser.Parse(Payloads.Bad(name));

        result.IsValid.ShouldBeFalse();
        result.Error.Field.ShouldBe(expectedField);
        result.Error.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void The_first_problem_in_document_order_of_alerts_wins()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![1]!.AsObject().Remove("fingerprint");
        payload["alerts"]![0]!["status"] = "bogus";

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.ShouldBe("alerts[0].status");
        result.Error.Message.ShouldContain("\"firing\" or \"resolved\"");
    }

    [Fact]
    public void A_NUL_in_a_label_value_is_refused_before_anything_is_stored()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![0]!["labels"]!["service"] = "auth\u0000service";

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.ShouldBe("alerts[0].labels.service");
        result.Error.Message.ShouldContain("NUL character (\\u0000)");
    }

    [Fact]
    public void A_rejected_huge_value_is_quoted_only_in_part()
    {
        var payload = Payloads.Valid();
        payload["version"] = new string('x', 300_000);

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.ShouldBe("version");
        result.Error.Message.Length.ShouldBeLessThan(300);
        result.Error.Message.ShouldContain("(300000 characters)");
    }

    [Fact]
    public void A_huge_odd_label_name_is_cut_in_the_path_it_names()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![0]!["labels"]![new string('-', 100_000)] = 1;

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.Length.ShouldBeLessThan(300);
        result.Error.Field.ShouldStartWith("alerts[0].labels[\"---");
    }

    [Fact]
    public void Annotations_keep_their_line_breaks_where_labels_may_not_have_any()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![0]!["annotations"]!["description"] = "line one\nline two\ttabbed";

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.IsValid.ShouldBeTrue(result.Error?.ToString());
    }

    [Fact]
    public void A_control_character_in_a_label_value_is_refused_naming_the_label_and_the_character()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![0]!["labels"]!["namespace"] = "kube-system\n";

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.ShouldBe("alerts[0].labels.namespace");
        result.Error.Message.ShouldBe("must not contain control characters, not \"\\n\" at position 11");
    }

    [Theory]
    [InlineData("fingerprint", 64, "Remediator:Webhook:MaxFingerprintLength")]
    [InlineData("label value", 2048, "Remediator:Webhook:MaxLabelValueLength")]
    public void Values_up_to_their_cap_are_accepted_and_longer_ones_refused_naming_the_setting(string what, int cap, string setting)
    {
        JsonObject WithLength(int length)
        {
            var payload = Payloads.Valid();
            var value = new string('a', length);
            if (what == "fingerprint")
            {
                payload["alerts"]![0]!["fingerprint"] = value;
            }
            else
            {
                payload["alerts"]![0]!["labels"]!["pod"] = value;
            }

            return payload;
        }

        AlertmanagerPayloadParser.Parse(Payloads.Bytes(WithLength(cap))).IsValid.ShouldBeTrue();
        var refused = AlertmanagerPayloadParser.Parse(Payloads.Bytes(WithLength(cap + 1)));

        refused.Error!.Field.ShouldBe(what == "fingerprint" ? "alerts[0].fingerprint" : "alerts[0].labels.pod");
        refused.Error.Message.ShouldBe($"must be at most {cap} characters ({setting}), not {cap + 1}");
    }

    [Fact]
    public void A_label_name_over_its_cap_is_refused_naming_the_setting()
    {
        var payload = Payloads.Valid();
        payload["alerts"]![0]!["labels"]![new string('n', 1025)] = "x";

        var result = AlertmanagerPayloadParser.Parse(Payloads.Bytes(payload));

        result.Error!.Field.ShouldStartWith("alerts[0].labels[\"nnn");
        result.Error.Message.ShouldBe("(label name) must be at most 1024 characters (Remediator:Webhook:MaxLabelNameLength), not 1025");
    }

    [Fact]
    public void The_caps_come_from_the_options_given()
    {
        var tooMany = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid()), new WebhookOptions { MaxAlertsPerNotification = 1 });
        tooMany.Error!.Kind.ShouldBe(PayloadErrorKind.TooManyAlerts);
        tooMany.Error.Field.ShouldBe("alerts");
        tooMany.Error.Message.ShouldContain("has 2 alerts, more than Remediator:Webhook:MaxAlertsPerNotification (1)");
        tooMany.Error.Message.ShouldContain("max_alerts");

        var tooLong = AlertmanagerPayloadParser.Parse(Payloads.Bytes(Payloads.Valid()), new WebhookOptions { MaxLabelValueLength = 5 });
        tooLong.Error!.Kind.ShouldBe(PayloadErrorKind.Invalid);
        tooLong.Error.Field.ShouldBe("groupLabels.alertname");
    }
}
