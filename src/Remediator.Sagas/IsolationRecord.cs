using Remediator.Kubernetes.Actions;

namespace Remediator.Sagas;

/// <summary>An isolation the run left in place on purpose, and how to undo it when the root is fixed.</summary>
public sealed record IsolationRecord(string StepName, Compensation Compensation);
