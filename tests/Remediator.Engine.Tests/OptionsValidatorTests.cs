using Remediator.Engine.Alerts;
using Remediator.Engine.Bus;
using Remediator.Engine.Rules;

namespace Remediator.Engine.Tests;

public class OptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        new BusOptionsValidator().Validate(null, new BusOptions()).Succeeded.ShouldBeTrue();
        new RulesOptionsValidator().Validate(null, new RulesOptions()).Succeeded.ShouldBeTrue();
        new DeduplicationOptionsValidator().Validate(null, new DeduplicationOptions()).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void RabbitMq_needs_an_amqp_url()
    {
        var validator = new BusOptionsValidator();

        validator.Validate(null, new BusOptions { Transport = BusTransport.RabbitMq }).FailureMessage!
            .ShouldContain("Remediator:Bus:RabbitMq:Url is required");
        validator.Validate(null, new BusOptions { Transport = BusTransport.RabbitMq, RabbitMq = { Url = new Uri("http://guest:hunter2@rabbit") } }).FailureMessage!
            .ShouldSatisfyAllConditions(
                message => message.ShouldContain("amqp://"),
                message => message.ShouldNotContain("hunter2"));
        validator.Validate(null, new BusOptions { Transport = BusTransport.RabbitMq, RabbitMq = { Url = new Uri("amqp://guest:guest@127.0.0.1:5672/remediator") } })
            .Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Timeouts_must_be_positive()
    {
        new BusOptionsValidator().Validate(null, new BusOptions { PublishTimeout = TimeSpan.Zero }).FailureMessage!
            .ShouldContain("Remediator:Bus:PublishTimeout");
        new BusOptionsValidator().Validate(null, new BusOptions { BacklogCountInterval = TimeSpan.Zero }).FailureMessage!
            .ShouldContain("Remediator:Bus:BacklogCountInterval");
        new RulesOptionsValidator().Validate(null, new RulesOptions { Path = " ", WatchDebounce = TimeSpan.Zero }).Failures!.Count().ShouldBe(2);
    }
}
