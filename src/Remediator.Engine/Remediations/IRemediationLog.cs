using Remediator.Contracts;

namespace Remediator.Engine.Remediations;

/// <summary>The recent remediation requests, for the API. Replaced by saga state in a later issue.</summary>
public interface IRemediationLog
{
    void Add(RemediationRequested request);

    /// <summary>Newest first.</summary>
    IReadOnlyList<RemediationRequested> Recent();
}
