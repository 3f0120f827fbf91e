using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Remediator.Contracts;

namespace Remediator.Intake;

/// <summary>
/// Parses and strictly validates an Alertmanager webhook payload (version 4). The first problem
/// wins and is named by its JSON path, so Alertmanager's operator sees exactly what to fix.
/// Unknown members (<c>notification_reason</c>, <c>routeLabels</c>, ...) are ignored: Alertmanager
/// adds fields over time and a newer Alertmanager must not be rejected.
/// </summary>
public static partial class AlertmanagerPayloadParser
{
    /// <summary>The only payload version Alertmanager has shipped since 0.8.</summary>
    public const string SupportedVersion = "4";

    /// <summary>Alertmanager's payload is three levels deep; anything much deeper is not one.</summary>
    /// <remarks>Duplicate members are refused too: which of two <c>status</c> values counts would be a guess.</remarks>
    private const int MaxDepth = 16;

    /// <summary>Keeps non-ASCII text readable in messages; the problem response is JSON-encoded again anyway.</summary>
    private static readonly JsonSerializerOptions _quoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// JSON may escape a NUL ("\u0000") but PostgreSQL's text cannot hold one: accepted, the alert
    /// would fail downstream after the 202 told the sender it was safe. Refused up front, nothing is
    /// published and the sender's log names the field.
    /// </summary>
    private const string NulMessage = "must not contain the NUL character (\\u0000): the engine's store cannot keep it";

    /// <summary>How much of a rejected value a message quotes: enough to recognise it, never the whole of a huge one.</summary>
    private const int MaxQuotedLength = 64;

    /// <summary>The documented defaults, for callers with no webhook configuration (the <c>rules test</c> command).</summary>
    private static readonly WebhookOptions _defaultLimits = new();

    /// <summary>Parses with the default limits of <see cref="WebhookOptions"/>.</summary>
    public static PayloadParseResult Parse(ReadOnlyMemory<byte> utf8Json) => Parse(utf8Json, _defaultLimits);

    /// <param name="utf8Json">The request body.</param>
    /// <param name="limits">The alert count and length caps (<see cref="WebhookOptions.MaxAlertsPerNotification"/> and the <c>Max*Length</c> settings).</param>
    public static PayloadParseResult Parse(ReadOnlyMemory<byte> utf8Json, WebhookOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (ReadDocument(utf8Json, out var document) is { } documentError)
        {
            return PayloadParseResult.Invalid(documentError);
        }

        using (document)
        {
            try
            {
                return PayloadParseResult.Valid(ReadNotification(document.RootElement, limits));
            }
            catch (InvalidPayloadException ex)
            {
                return PayloadParseResult.Invalid(ex.Error);
            }
        }
    }

    /// <returns>The problem with the document as a whole, or null and the parsed <paramref name="document"/>.</returns>
    private static PayloadError? ReadDocument(ReadOnlyMemory<byte> utf8Json, out JsonDocument document)
    {
        document = null!;

        // The JSON reader checks structure, not the bytes inside strings: invalid UTF-8 there
        // would only surface when a value is read, as an exception rather than a 400.
        if (InvalidUtf8Offset(utf8Json.Span) is { } offset)
        {
            return new PayloadError("$", $"is not valid UTF-8 (byte {offset.ToString(CultureInfo.InvariantCulture)}); Alertmanager sends UTF-8 JSON");
        }

        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
            return null;
        }
        catch (JsonException ex)
        {
            return new PayloadError("$", $"is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-member check unescapes every member name, and a name escaping a lone
            // UTF-16 surrogate ("\ud800") cannot be unescaped; which member it was is not reported.
            return new PayloadError("$", "is not valid Unicode text: a member name escapes a lone surrogate such as \\ud800");
        }
    }

    private static AlertmanagerNotification ReadNotification(JsonElement root, WebhookOptions limits)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", $"must be a JSON object, not {Describe(root.ValueKind)}");
        }

        // The version comes first: a different version means a different schema, and
        // complaining about its other fields would mislead.
        var version = RequiredString(root, "version", "version");
        if (version != SupportedVersion)
        {
            throw Invalid("version", $"must be \"{SupportedVersion}\" (Alertmanager webhook payload version 4), not {Quote(version)}");
        }

        var receiver = RequiredString(root, "receiver", "receiver");
        var status = RequiredStatus(root, "status", "status");
        var groupKey = RequiredString(root, "groupKey", "groupKey");
        var groupLabels = OptionalLabels(root, "groupLabels", "groupLabels", limits);
        var commonLabels = OptionalLabels(root, "commonLabels", "commonLabels", limits);
        var commonAnnotations = OptionalStringMap(root, "commonAnnotations", "commonAnnotations");
        var externalUrl = OptionalString(root, "externalURL", "externalURL");
        var truncatedAlerts = OptionalCount(root, "truncatedAlerts", "truncatedAlerts");

        if (!root.TryGetProperty("alerts", out var alertsElement) || alertsElement.ValueKind == JsonValueKind.Null)
        {
            throw Invalid("alerts", "is required");
        }

        if (alertsElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("alerts", $"must be an array, not {Describe(alertsElement.ValueKind)}");
        }

        if (alertsElement.GetArrayLength() == 0)
        {
            throw Invalid("alerts", "must contain at least one alert");
        }

        // Counted before any alert is read: the cap is there so that one request cannot make the
        // engine do unbounded work, and every alert becomes a message, a claim and maybe a run.
        if (alertsElement.GetArrayLength() > limits.MaxAlertsPerNotification)
        {
            throw new InvalidPayloadException(new PayloadError(
                "alerts",
                $"has {alertsElement.GetArrayLength().ToString(CultureInfo.InvariantCulture)} alerts, more than {WebhookOptions.Key(nameof(WebhookOptions.MaxAlertsPerNotification))} ({limits.MaxAlertsPerNotification.ToString(CultureInfo.InvariantCulture)}); set max_alerts on the Alertmanager receiver to at most that, or raise the limit")
            {
                Kind = PayloadErrorKind.TooManyAlerts,
            });
        }

        var alerts = new List<AlertmanagerAlert>(alertsElement.GetArrayLength());
        var index = 0;
        foreach (var alertElement in alertsElement.EnumerateArray())
        {
            alerts.Add(ReadAlert(alertElement, $"alerts[{index}]", limits));
            index++;
        }

        return new AlertmanagerNotification
        {
            Version = version,
            Receiver = receiver,
            Status = status,
            Alerts = alerts,
            GroupLabels = groupLabels,
            CommonLabels = commonLabels,
            CommonAnnotations = commonAnnotations,
            ExternalUrl = externalUrl,
            GroupKey = groupKey,
            TruncatedAlerts = truncatedAlerts,
        };
    }

    private static AlertmanagerAlert ReadAlert(JsonElement element, string path, WebhookOptions limits)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"must be a JSON object, not {Describe(element.ValueKind)}");
        }

        var fingerprint = RequiredString(element, "fingerprint", $"{path}.fingerprint");
        CheckLength(fingerprint, limits.MaxFingerprintLength, nameof(WebhookOptions.MaxFingerprintLength), $"{path}.fingerprint");
        var status = RequiredStatus(element, "status", $"{path}.status");
        return ReadAlertBody(element, path, fingerprint, status, limits);
    }

    /// <summary>
    /// Parses Alertmanager's <c>GET /api/v2/alerts</c> answer (an array of its <c>gettableAlert</c>)
    /// with the webhook's checks on every alert: fingerprint, labels, timestamps and the length caps.
    /// Unlike a notification, which is taken or refused whole, each alert stands alone here: one bad
    /// alert is reported and the rest are still read, so it cannot hide every other firing alert.
    /// </summary>
    public static ApiAlertsParseResult ParseApiAlerts(ReadOnlyMemory<byte> utf8Json, WebhookOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (ReadDocument(utf8Json, out var document) is { } documentError)
        {
            return ApiAlertsParseResult.Invalid(documentError);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ApiAlertsParseResult.Invalid(new PayloadError("$", $"must be a JSON array of alerts, not {Describe(root.ValueKind)}"));
            }

            var alerts = new List<ApiAlert>(root.GetArrayLength());
            var rejected = new List<PayloadError>();
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                try
                {
                    alerts.Add(ReadApiAlert(element, $"[{index}]", limits));
                }
                catch (InvalidPayloadException ex)
                {
                    rejected.Add(ex.Error);
                }

                index++;
            }

            return ApiAlertsParseResult.Valid(alerts, rejected);
        }
    }

    private static ApiAlert ReadApiAlert(JsonElement element, string path, WebhookOptions limits)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"must be a JSON object, not {Describe(element.ValueKind)}");
        }

        var fingerprint = RequiredString(element, "fingerprint", $"{path}.fingerprint");
        CheckLength(fingerprint, limits.MaxFingerprintLength, nameof(WebhookOptions.MaxFingerprintLength), $"{path}.fingerprint");
        if (!element.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path}.status", "is required and must be an object with a state");
        }

        var state = RequiredString(status, "state", $"{path}.status.state");
        var receivers = new List<string>();
        if (element.TryGetProperty("receivers", out var receiversElement) && receiversElement.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var receiver in receiversElement.EnumerateArray())
            {
                receivers.Add(receiver.ValueKind == JsonValueKind.Object
                    ? RequiredString(receiver, "name", $"{path}.receivers[{index}].name")
                    : throw Invalid($"{path}.receivers[{index}]", $"must be an object with a name, not {Describe(receiver.ValueKind)}"));
                index++;
            }
        }

        // Alertmanager's webhook hides the end of an alert that has not ended yet (its zero time);
        // the API shows when it will time out. Taken in as the webhook would have sent it.
        return new ApiAlert(ReadAlertBody(element, path, fingerprint, AlertStatus.Firing, limits) with { EndsAt = null }, state, receivers);
    }

    /// <summary>What a webhook alert and an API alert share, checked the same way.</summary>
    private static AlertmanagerAlert ReadAlertBody(JsonElement element, string path, string fingerprint, AlertStatus status, WebhookOptions limits)
    {
        var labels = RequiredLabels(element, "labels", $"{path}.labels", limits);
        var annotations = OptionalStringMap(element, "annotations", $"{path}.annotations");
        var startsAt = RequiredTimestamp(element, "startsAt", $"{path}.startsAt")
            ?? throw Invalid($"{path}.startsAt", "must not be Alertmanager's zero time: every alert has a start");
        var endsAt = OptionalTimestamp(element, "endsAt", $"{path}.endsAt");
        var generatorUrl = OptionalString(element, "generatorURL", $"{path}.generatorURL");

        if (endsAt is { } end && end < startsAt)
        {
            throw Invalid($"{path}.endsAt", "must not be earlier than startsAt");
        }

        return new AlertmanagerAlert
        {
            Fingerprint = fingerprint,
            Status = status,
            Labels = labels,
            Annotations = annotations,
            StartsAt = startsAt,
            EndsAt = endsAt,
            GeneratorUrl = generatorUrl,
        };
    }

    private static string RequiredString(JsonElement parent, string name, string path)
    {
        var value = OptionalString(parent, name, path) ?? throw Invalid(path, "is required");
        return value.Length == 0 ? throw Invalid(path, "must not be empty") : value;
    }

    private static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return element.ValueKind == JsonValueKind.String
            ? ReadString(element, path)
            : throw Invalid(path, $"must be a string, not {Describe(element.ValueKind)}");
    }

    private static AlertStatus RequiredStatus(JsonElement parent, string name, string path) =>
        RequiredString(parent, name, path) switch
        {
            "firing" => AlertStatus.Firing,
            "resolved" => AlertStatus.Resolved,
            var other => throw Invalid(path, $"must be \"firing\" or \"resolved\", not {Quote(other)}"),
        };

    private static int OptionalCount(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(path, $"must be a number, not {Describe(element.ValueKind)}");
        }

        return element.TryGetInt32(out var count) && count >= 0
            ? count
            : throw Invalid(path, "must be a non-negative whole number");
    }

    private static Dictionary<string, string> RequiredLabels(JsonElement parent, string name, string path, WebhookOptions limits)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw Invalid(path, "is required");
        }

        return CheckLabels(ReadStringMap(element, path), path, limits);
    }

    private static Dictionary<string, string> OptionalLabels(JsonElement parent, string name, string path, WebhookOptions limits) =>
        CheckLabels(OptionalStringMap(parent, name, path), path, limits);

    /// <summary>
    /// Labels are kept (claims, runs), matched by rules and templated into Kubernetes names and
    /// requests, so their size is capped and they carry no control characters: a <c>\n</c> at the
    /// end of a namespace must not slip past a pattern that checks the rest. Annotations are free
    /// text for people (multi-line descriptions) and are not checked here.
    /// </summary>
    private static Dictionary<string, string> CheckLabels(Dictionary<string, string> labels, string path, WebhookOptions limits)
    {
        foreach (var (name, value) in labels)
        {
            var labelPath = MemberPath(path, name);
            CheckLength(name, limits.MaxLabelNameLength, nameof(WebhookOptions.MaxLabelNameLength), labelPath, "label name");
            CheckNoControlCharacters(name, labelPath, "label name");
            CheckLength(value, limits.MaxLabelValueLength, nameof(WebhookOptions.MaxLabelValueLength), labelPath);
            CheckNoControlCharacters(value, labelPath);
        }

        return labels;
    }

    /// <summary><paramref name="what"/> says what is checked when it is not the field's value ("label name").</summary>
    private static void CheckLength(string value, int maxLength, string setting, string path, string? what = null)
    {
        if (value.Length > maxLength)
        {
            throw Invalid(path, $"{Subject(what)}must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters ({WebhookOptions.Key(setting)}), not {value.Length.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void CheckNoControlCharacters(string value, string path, string? what = null)
    {
        for (var index = 0; index < value.Length; index++)
        {
            if (char.IsControl(value[index]))
            {
                throw Invalid(path, $"{Subject(what)}must not contain control characters, not {Quote(value[index].ToString())} at position {index.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    private static string Subject(string? what) => what is null ? string.Empty : $"({what}) ";

    private static Dictionary<string, string> OptionalStringMap(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var element) && element.ValueKind != JsonValueKind.Null
            ? ReadStringMap(element, path)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static Dictionary<string, string> ReadStringMap(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"must be an object of strings, not {Describe(element.ValueKind)}");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(MemberPath(path, property.Name), $"must be a string, not {Describe(property.Value.ValueKind)}");
            }

            var memberPath = MemberPath(path, property.Name);
            if (property.Name.Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid(memberPath, NulMessage);
            }

            map[property.Name] = ReadString(property.Value, memberPath);
        }

        return map;
    }

    /// <returns>The instant, or null for Alertmanager's zero time.</returns>
    private static DateTimeOffset? RequiredTimestamp(JsonElement parent, string name, string path) =>
        ReadTimestamp(RequiredString(parent, name, path), path);

    private static DateTimeOffset? OptionalTimestamp(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) is { } text ? ReadTimestamp(text, path) : null;

    private static DateTimeOffset? ReadTimestamp(string text, string path)
    {
        // Go's time.Time marshals as RFC 3339 with up to nine fractional digits; .NET keeps seven
        // (100 ns ticks), so the rest is dropped rather than rejected.
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            throw Invalid(path, $"must be an RFC 3339 timestamp with a time zone (e.g. 2024-05-01T12:00:00Z), not {Quote(text)}");
        }

        var fraction = match.Groups["fraction"].Value;
        var normalized = string.Concat(
            match.Groups["datetime"].Value,
            fraction.Length > 8 ? fraction[..8] : fraction,
            match.Groups["zone"].Value);
        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw Invalid(path, $"is not a valid date and time: {Quote(text)}");
        }

        return value == DateTimeOffset.MinValue ? null : value;
    }

    private static string ReadString(JsonElement element, string path)
    {
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Valid UTF-8 can still escape a lone UTF-16 surrogate ("\ud800"), which no string holds.
            throw Invalid(path, "is not valid Unicode text (an escaped lone surrogate such as \\ud800)");
        }

        return value.Contains('\0', StringComparison.Ordinal) ? throw Invalid(path, NulMessage) : value;
    }

    private static string MemberPath(string path, string member) =>
        IdentifierLike().IsMatch(member) && member.Length <= MaxQuotedLength ? $"{path}.{member}" : $"{path}[{Quote(member)}]";

    /// <summary>The value as a JSON string literal (control characters visible), cut at <see cref="MaxQuotedLength"/> characters.</summary>
    private static string Quote(string value) =>
        value.Length <= MaxQuotedLength
            ? JsonSerializer.Serialize(value, _quoteOptions)
            : $"{JsonSerializer.Serialize(value[..MaxQuotedLength], _quoteOptions)}... ({value.Length.ToString(CultureInfo.InvariantCulture)} characters)";

    private static int? InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static InvalidPayloadException Invalid(string field, string message) => new(new PayloadError(field, message));

    [GeneratedRegex(@"^(?<datetime>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?<fraction>\.\d{1,9})?(?<zone>[Zz]|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierLike();

    /// <summary>Carries the first problem out of the recursive descent; never leaves this class.</summary>
    private sealed class InvalidPayloadException(PayloadError error) : Exception(error.ToString())
    {
        public PayloadError Error { get; } = error;
    }
}
