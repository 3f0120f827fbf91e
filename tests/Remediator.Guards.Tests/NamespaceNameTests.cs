namespace Remediator.Guards.Tests;

/// <summary>Issue 13: a namespace name's end anchor is the very end, so <c>kube-system\n</c> is no name at all.</summary>
public class NamespaceNameTests
{
    [Theory]
    [InlineData("kube-system", true)]
    [InlineData("kube-system\n", false)]
    [InlineData("shop\n", false)]
    [InlineData("\nshop", false)]
    public void A_final_newline_is_not_part_of_a_valid_name(string name, bool valid) =>
        NamespaceName.IsValid(name).ShouldBe(valid);
}
