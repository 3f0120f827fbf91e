using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Remediator.Contracts;
using Remediator.Rules.Actions;

namespace Remediator.Rules.Schema;

/// <summary>
/// <c>rules/schema.json</c>, for editors: the file's shape (embedded <c>rules.schema.base.json</c>)
/// with one case per catalog action generated from <see cref="ActionCatalog"/>, so a new action or
/// parameter reaches the schema without anyone editing it. <c>remediator rules schema</c> prints
/// it; a test fails when the checked-in file differs.
/// </summary>
public static class RuleSchema
{
    /// <summary>What a text parameter may be written as: YAML gives numbers and booleans their own types, the loader takes them as text.</summary>
    private static readonly string[] _scalarText = ["string", "number", "boolean"];

    private static readonly JsonSerializerOptions _output = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The command that regenerates the checked-in file, for messages that ask for it.</summary>
    public const string Command = "dotnet run --project src/Remediator -- rules schema > rules/schema.json";

    /// <summary>The whole schema, as the checked-in file holds it (two-space indent, a final newline).</summary>
    public static string Generate()
    {
        var schema = Base();
        var step = schema["definitions"]!["step"]!.AsObject();
        step["properties"] = new JsonObject
        {
            ["action"] = new JsonObject { ["enum"] = new JsonArray([.. ActionCatalog.All.Select(a => (JsonNode)a.Name)]) },
        };
        step["allOf"] = new JsonArray([.. ActionCatalog.All.Select(Case)]);
        return schema.ToJsonString(_output).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonObject Base()
    {
        using var stream = typeof(RuleSchema).Assembly.GetManifestResourceStream("Remediator.Rules.Schema.rules.schema.base.json")
            ?? throw new InvalidOperationException("the embedded rules.schema.base.json is missing from Remediator.Rules");
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static JsonNode Case(ActionSpec action)
    {
        var properties = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "string" },
            ["name"] = new JsonObject { ["type"] = "string", ["description"] = "Default: the action, suffixed with its position when the action repeats." },
            ["timeout"] = new JsonObject
            {
                ["$ref"] = "#/definitions/duration",
                ["description"] = action.DefaultTimeout is { } timeout
                    ? $"Default: defaults.step-timeout, else 2m; at least {PromDuration.Format(timeout)}."
                    : "Default: defaults.step-timeout, else 2m.",
            },
            ["continue-on-error"] = new JsonObject { ["type"] = "boolean", ["default"] = false },
            ["compensate"] = new JsonObject
            {
                ["enum"] = new JsonArray("undo", "keep"),
                ["default"] = action.DefaultCompensation == StepCompensation.Keep ? "keep" : "undo",
                ["description"] = action.Undo is { } undo
                    ? $"When a later step of the attempt fails: undo this step's change ({undo}), or keep it (docs/rules.md, Undo)."
                    : "No effect: this action leaves nothing to undo (docs/rules.md, Undo).",
            },
            ["target"] = new JsonObject { ["$ref"] = "#/definitions/target" },
        };
        foreach (var parameter in action.Parameters)
        {
            properties[parameter.Name] = Property(parameter);
        }

        var then = new JsonObject
        {
            ["description"] = $"{action.Description} {string.Join(", ", action.TargetKinds)}.",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        if (action.Parameters.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray() is { Length: > 0 } required)
        {
            then["required"] = new JsonArray(required);
        }

        foreach (var (keyword, value) in action.SchemaConstraints ?? [])
        {
            then[keyword] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["if"] = new JsonObject
            {
                ["properties"] = new JsonObject { ["action"] = new JsonObject { ["const"] = action.Name } },
                ["required"] = new JsonArray("action"),
            },
            ["then"] = then,
        };
    }

    private static JsonObject Property(ParameterSpec parameter)
    {
        var property = parameter.Type switch
        {
            ParameterType.Number or ParameterType.Port => Bounded(new JsonObject { ["type"] = "integer" }, parameter),
            ParameterType.Delta => new JsonObject { ["type"] = new JsonArray("integer", "string"), ["pattern"] = "^[+-]?[1-9][0-9]*$" },
            ParameterType.Path => new JsonObject { ["type"] = "string", ["pattern"] = "^/" },
            ParameterType.Text => new JsonObject { ["type"] = new JsonArray([.. _scalarText.Select(t => (JsonNode)t)]) },
            ParameterType.Duration => new JsonObject { ["$ref"] = "#/definitions/duration" },
            ParameterType.Boolean => new JsonObject { ["type"] = "boolean" },
            ParameterType.Choice => new JsonObject { ["enum"] = new JsonArray([.. parameter.Choices.Select(c => (JsonNode)c)]) },
            ParameterType.Url => new JsonObject { ["type"] = "string", ["pattern"] = @"^https?://[^/?#\\{}]+([/?#]|$)" },
            ParameterType.EnvironmentMap => new JsonObject
            {
                ["type"] = "object",
                ["minProperties"] = 1,
                ["propertyNames"] = new JsonObject { ["pattern"] = "^[-._a-zA-Z][-._a-zA-Z0-9]*$" },
                ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray([.. _scalarText.Select(t => (JsonNode)t)]) },
            },
            ParameterType.ResourceMap => new JsonObject { ["$ref"] = "#/definitions/resources" },
            _ => throw new InvalidOperationException($"parameter '{parameter.Name}' has a type the schema does not describe: {parameter.Type}"),
        };
        property["description"] = parameter.Description;
        if (parameter.Default is { } value)
        {
            property["default"] = parameter.Type switch
            {
                ParameterType.Boolean => value == "true",
                ParameterType.Number or ParameterType.Port => int.Parse(value, CultureInfo.InvariantCulture),
                _ => value,
            };
        }

        return property;
    }

    private static JsonObject Bounded(JsonObject property, ParameterSpec parameter)
    {
        if (parameter.Minimum != int.MinValue)
        {
            property["minimum"] = parameter.Minimum;
        }

        if (parameter.Maximum != int.MaxValue)
        {
            property["maximum"] = parameter.Maximum;
        }

        return property;
    }
}
