namespace Remediator.Guards.State;

/// <summary>
/// A guard decision was overtaken before its unit of work committed: decisions committed since it
/// was made took what it counted on (a slot, the last attempt, the storm threshold). The unit of
/// work rolls back; its message, handled again (the saga endpoint's retry), decides on their state.
/// </summary>
public sealed class GuardStateChangedException : Exception
{
    public GuardStateChangedException()
    {
    }

    public GuardStateChangedException(string message)
        : base(message)
    {
    }

    public GuardStateChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
