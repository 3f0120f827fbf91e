namespace Remediator.Sagas.Api;

/// <summary>
/// The API's read side over the saga instances and their finished runs. The durable repository
/// implements it over its tables; <see cref="SagaRepositoryRemediationQuery"/> reads any MassTransit
/// repository that supports queries and loads (the in-memory one included).
/// </summary>
public interface IRemediationQuery
{
    Task<RemediationPage> ListAsync(RemediationFilter filter, CancellationToken cancellationToken);

    Task<RemediationView?> FindAsync(Guid remediationId, CancellationToken cancellationToken);
}
