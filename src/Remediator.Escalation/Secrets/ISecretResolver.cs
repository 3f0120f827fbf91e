namespace Remediator.Escalation.Secrets;

/// <summary>Turns a secret's name (as policies reference it) into its value at the moment of sending.</summary>
public interface ISecretResolver
{
    /// <returns>The value, or null when no source has it.</returns>
    string? Resolve(string name);
}
