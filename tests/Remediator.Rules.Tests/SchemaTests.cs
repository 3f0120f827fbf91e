using System.Text.Json;
using Remediator.Contracts;
using Remediator.Rules.Actions;
using Remediator.Rules.Schema;

namespace Remediator.Rules.Tests;

/// <summary>rules/schema.json is generated from the catalog for editors; these checks stop the checked-in file drifting from it.</summary>
public class SchemaTests
{
    [Fact]
    public void The_checked_in_file_is_what_the_catalog_generates()
    {
        var checkedIn = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema.json")).ReplaceLineEndings("\n");

        checkedIn.ShouldBe(RuleSchema.Generate(), $"rules/schema.json is out of date: {RuleSchema.Command}");
    }

    private static readonly string[] _stepKeys = ["action", "name", "timeout", "continue-on-error", "compensate", "target"];

    private static JsonElement Definitions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema.json")));
        return document.RootElement.GetProperty("definitions").Clone();
    }

    [Fact]
    public void Lists_every_catalog_action_and_nothing_else()
    {
        var actions = Definitions().GetProperty("step").GetProperty("properties").GetProperty("action").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();

        actions.ShouldBe(ActionCatalog.All.Select(a => a.Name).ToList());
    }

    [Fact]
    public void Gives_each_action_exactly_its_catalog_parameters()
    {
        var cases = Definitions().GetProperty("step").GetProperty("allOf").EnumerateArray()
            .ToDictionary(c => c.GetProperty("if").GetProperty("properties").GetProperty("action").GetProperty("const").GetString()!, c => c.GetProperty("then"));

        foreach (var action in ActionCatalog.All)
        {
            cases.ShouldContainKey(action.Name);
            var then = cases[action.Name];
            var properties = then.GetProperty("properties");
            properties.EnumerateObject().Select(p => p.Name).Except(_stepKeys).Order()
                .ShouldBe(action.Parameters.Select(p => p.Name).Order(), action.Name);
            var required = then.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
            required.Order().ShouldBe(action.Parameters.Where(p => p.Required).Select(p => p.Name).Order(), action.Name);
            then.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
            properties.GetProperty("compensate").GetProperty("default").GetString()
                .ShouldBe(action.DefaultCompensation == StepCompensation.Keep ? "keep" : "undo", $"{action.Name}: compensate's default");

            foreach (var choice in action.Parameters.Where(p => p.Type == ParameterType.Choice))
            {
                properties.GetProperty(choice.Name).GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)
                    .ShouldBe(choice.Choices, $"{action.Name}.{choice.Name}");
            }
        }
    }

    [Fact]
    public void Lists_every_target_kind()
    {
        Definitions().GetProperty("target").GetProperty("properties").GetProperty("kind").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ShouldBe(Enum.GetNames<TargetKind>());
    }
}
