using System.Text.RegularExpressions;
using Remediator.Contracts;
using Remediator.Rules.Actions;

namespace Remediator.Rules.Tests;

/// <summary>Every catalog action describes itself completely, and docs/rules.md says what the catalog says.</summary>
public partial class ActionCatalogTests
{
    public static TheoryData<string> Actions => [.. ActionCatalog.All.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Actions))]
    public void Each_action_is_complete(string name)
    {
        var action = ActionCatalog.Find(name).ShouldNotBeNull();

        action.Description.ShouldNotBeNullOrWhiteSpace();
        action.DryRunVerb.ShouldNotBeNullOrWhiteSpace();
        action.TargetKinds.ShouldNotBeEmpty();
        action.Parameters.ShouldAllBe(p => !string.IsNullOrWhiteSpace(p.Description));
        action.Parameters.Where(p => p.Type == ParameterType.Choice).ShouldAllBe(p => p.Choices.Count > 0);
        if (action.ActsOnCluster)
        {
            action.EventReason.ShouldNotBeNull().ShouldMatch("^Remediator[A-Z][A-Za-z]+$", $"{name}: its Kubernetes Event reason");
        }
        else
        {
            action.EventReason.ShouldBeNull($"{name} does not act on the cluster, so it records no Event");
        }

        if (action.DefaultCompensation == StepCompensation.Keep)
        {
            action.Undo.ShouldNotBeNull($"{name} keeps its change by default, so it must have one to keep");
        }
    }

    [Fact]
    public void Event_reasons_are_unique()
    {
        ActionCatalog.All.Select(a => a.EventReason).OfType<string>().ShouldBeUnique();
    }

    [Fact]
    public void Only_scale_and_isolate_reduce_capacity()
    {
        ActionCatalog.All.Where(a => a.ReducesCapacity).ShouldBe([ActionCatalog.Scale, ActionCatalog.Isolate]);
    }

    [Fact]
    public void The_undo_table_in_the_docs_gives_each_action_its_default_and_its_undo()
    {
        var rows = UndoRow().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules.md")))
            .ToDictionary(m => m.Groups["action"].Value, m => (Default: m.Groups["default"].Value, Undo: m.Groups["undo"].Value));

        rows.Keys.Order(StringComparer.Ordinal).ShouldBe(ActionCatalog.All.Select(a => a.Name).Order(StringComparer.Ordinal));
        foreach (var action in ActionCatalog.All)
        {
            var (defaultCompensation, undo) = rows[action.Name];
            defaultCompensation.ShouldBe(action.Undo is null ? "(none)" : action.DefaultCompensation == StepCompensation.Keep ? "keep" : "undo", action.Name);
            undo.ShouldBe(action.Undo ?? "nothing to undo, or it cannot be undone: `compensate` has no effect", action.Name);
        }
    }

    [GeneratedRegex(@"^\| `(?<action>[a-z-]+)` \| (?<default>keep|undo|\(none\)) \| (?<undo>.+) \|$", RegexOptions.Multiline)]
    private static partial Regex UndoRow();
}
