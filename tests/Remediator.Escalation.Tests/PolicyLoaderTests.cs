using Remediator.Escalation.Policies;

namespace Remediator.Escalation.Tests;

public sealed class PolicyLoaderTests
{
    private static string RepositoryFile(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Remediator.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine([directory!.FullName, .. parts]);
    }

    private static EscalationPolicySet Shipped()
    {
        var result = EscalationPolicyLoader.Load(RepositoryFile("rules", "escalation.yaml"));
        result.Diagnostics.ShouldBeEmpty();
        return result.PolicySet!;
    }

    [Theory]
    [InlineData("petclinic-p1", new[] { "0", "15m", "15m" })]
    [InlineData("petclinic-p2", new[] { "1h", "1h", "2h" })]
    [InlineData("petclinic-p3", new[] { "4h", "4h", "8h" })]
    [InlineData("petclinic-p4", new[] { "1d", "1d", "2d" })]
    public void The_shipped_policies_follow_the_runbook_table_and_matrix(string policy, string[] waits)
    {
        var tiers = Shipped().Find(policy)!.Tiers;

        tiers.Select(t => t.Name).ShouldBe(["on-call-primary", "on-call-secondary", "devops-lead", "technical-lead"]);
        tiers.Select(t => t.EscalateAfter).ShouldBe([.. waits.Select(w => (TimeSpan?)(Remediator.Rules.PromDuration.TryParse(w, out var d) ? d : throw new FormatException(w))), null]);
        tiers[0].Contacts.Single().Role.ShouldBe("On-call engineer (primary)");
        tiers[3].Contacts.Single().Person.ShouldBe("David Brown (placeholder)");
    }

    [Fact]
    public void Every_policy_the_shipped_rules_name_exists_and_every_severity_has_a_default()
    {
        var set = Shipped();
        var named = Directory.GetFiles(RepositoryFile("rules"), "*.yaml")
            .Where(f => !Remediator.Rules.RuleLoader.IsEscalationPolicyFile(f))
            .SelectMany(File.ReadLines)
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("escalation:", StringComparison.Ordinal))
            .Select(line => line["escalation:".Length..].Trim())
            .Distinct()
            .ToList();

        named.ShouldNotBeEmpty();
        named.Where(name => set.Find(name) is null).ShouldBeEmpty();
        set.SeverityDefaults.Keys.Order().ShouldBe(["P1", "P2", "P3", "P4"]);
    }

    [Fact]
    public void A_rule_policy_that_does_not_exist_falls_back_to_the_severity_default_and_says_so()
    {
        var policy = Shipped().Resolve("nope", "P2", out var note);

        policy!.Name.ShouldBe("petclinic-p2");
        note.ShouldBe("escalation policy 'nope' is not defined; using P2's default 'petclinic-p2'");
    }

    [Fact]
    public void Errors_are_reported_at_file_line_column_all_at_once()
    {
        const string Text = """
            severity-defaults: { P1: p1, P2: p1, P3: p1, P4: p9 }
            channels:
              - name: pd
                type: pagerduty
                routing-key: plain-text-key
              - name: chat
                type: slak
            policies:
              - name: p1
                tiers:
                  - name: first
                    channels: [pd, chta]
                    escalate-afer: 1h
                  - name: last
                    channels: [pd]
            """;

        var result = EscalationPolicyLoader.Parse("rules/escalation.yaml", Text);

        result.Succeeded.ShouldBeFalse();
        result.Diagnostics.Select(d => d.ToString()).ShouldBe(
        [
            "rules/escalation.yaml:1:50: error: unknown policy 'p9' for P4 (hint: did you mean 'p1'?)",
            "rules/escalation.yaml:5:18: error: 'routing-key' is a credential and must be given as a secret reference (hint: routing-key: { secret: NAME }, resolved from configuration (Remediator:Escalation:Secrets:NAME), the environment (REMEDIATOR_SECRET_NAME) or the secrets directory)",
            "rules/escalation.yaml:7:11: error: unknown channel type 'slak' (hint: did you mean 'slack'?)",
            "rules/escalation.yaml:11:9: error: a tier before the last needs 'escalate-after' (hint: how long this tier has to acknowledge before the next is paged, e.g. escalate-after: 1h (0 pages the next tier at once))",
            "rules/escalation.yaml:12:24: error: unknown channel 'chta' (hint: define it under 'channels:')",
            "rules/escalation.yaml:13:9: error: unknown key 'escalate-afer' in a tier (hint: did you mean 'escalate-after'?)",
        ]);
    }

    [Fact]
    public void Broken_yaml_is_a_diagnostic_not_an_exception()
    {
        var result = EscalationPolicyLoader.Parse("x.yaml", "policies: [ { name: a\n");

        result.Diagnostics.Single().Message.ShouldStartWith("invalid YAML:");
    }

    [Fact]
    public void The_schema_knows_every_channel_type_and_top_level_key()
    {
        var schema = File.ReadAllText(RepositoryFile("rules", "escalation.schema.json"));

        foreach (var type in Enum.GetNames<ChannelType>())
        {
            schema.ShouldContain($"\"{type.ToLowerInvariant()}\"");
        }

        foreach (var key in new[] { "severity-defaults", "notify", "contacts", "channels", "policies", "escalate-after", "respond-within", "signing-secret", "routing-key", "api-key", "webhook-url", "starttls" })
        {
            schema.ShouldContain($"\"{key}\"");
        }
    }
}
