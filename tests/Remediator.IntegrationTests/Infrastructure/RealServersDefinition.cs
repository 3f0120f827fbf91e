namespace Remediator.IntegrationTests.Infrastructure;

/// <summary>
/// Tests against the shared RabbitMQ and PostgreSQL. They run one at a time: one of them stops the
/// broker, which would pull it from under any other test.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealServersDefinition : ICollectionFixture<ServersFixture>
{
    public const string Name = "Real servers";
}
