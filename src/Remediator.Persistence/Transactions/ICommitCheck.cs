namespace Remediator.Persistence.Transactions;

/// <summary>
/// Work a store leaves to the end of a <see cref="DatabaseUnitOfWork"/>: it runs after everything
/// else the unit did, just before the commit, on the unit's connection. A store takes a lock here
/// when it must be held to the commit but need not be held any longer (the guards' slot count):
/// taken at the end, it is held for this check and the commit rather than for the whole
/// transaction. Throwing rolls the unit of work back.
/// </summary>
public interface ICommitCheck
{
    Task CheckAsync(DatabaseConnection connection, CancellationToken cancellationToken);
}
