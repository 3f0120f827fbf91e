using System.Text.RegularExpressions;

namespace Remediator.Guards.Tests;

/// <summary>docs/guards.md's order table and the order the code runs the guards in are one fact.</summary>
public sealed partial class GuardOrderDocsTests
{
    [Fact]
    public void The_docs_table_lists_the_guards_in_the_order_they_run()
    {
        var documented = OrderRow()
            .Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "guards.md")))
            .Select(row => (Number: int.Parse(row.Groups["number"].Value, System.Globalization.CultureInfo.InvariantCulture), Guard: row.Groups["guard"].Value.Trim()))
            .ToList();

        documented.Select(row => row.Number).ShouldBe(Enumerable.Range(1, documented.Count), "the table is numbered 1, 2, 3, ...");
        documented.Select(row => row.Guard).ShouldBe(RemediationGuards.Order.Select(guard => guard.Name));
    }

    // A row of the order table: "| 3 | dry-run | ... |".
    [GeneratedRegex(@"^\| (?<number>\d+) \| (?<guard>[^|]+)\|", RegexOptions.Multiline)]
    private static partial Regex OrderRow();
}
