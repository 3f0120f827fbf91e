using System.Linq.Expressions;
using MassTransit;
using Remediator.Persistence.Sagas;

namespace Remediator.Persistence.Tests.Sagas;

/// <summary>Which correlation queries the saga table answers by its indexed lookup column, and with what value.</summary>
public sealed class SagaLookupTests
{
    private static readonly Guid _parent = new("0b9a4f0e-5c1d-4e8a-9d7e-2f3a4b5c6d7e");

    [Fact]
    public void The_property_form_of_CorrelateBy_is_read_as_the_lookup_value_without_compiling()
    {
        // As MassTransit's property correlation builds it: Convert(saga.Property) == <constant holder>.Value.
        var lookup = new SagaLookup<ParentedSaga>(saga => saga.ParentId);
        var saga = Expression.Parameter(typeof(ParentedSaga), "saga");
        var holder = Expression.Constant(new ValueHolder { Value = _parent });
        var filter = Expression.Lambda<Func<ParentedSaga, bool>>(
            Expression.Equal(Expression.Convert(Expression.Property(saga, nameof(ParentedSaga.ParentId)), typeof(Guid?)), Expression.Property(holder, nameof(ValueHolder.Value))),
            saga);

        lookup.TryMatch(filter, out var value).ShouldBeTrue();
        value.ShouldBe(_parent.ToString("D"));
        lookup.ValueOf(new ParentedSaga { ParentId = _parent }).ShouldBe(value);
    }

    [Fact]
    public void A_comparison_on_another_property_or_not_an_equality_is_not_a_lookup()
    {
        var lookup = new SagaLookup<ParentedSaga>(saga => saga.ParentId);

        lookup.TryMatch(saga => saga.CorrelationId == _parent, out _).ShouldBeFalse();
        lookup.TryMatch(saga => saga.ParentId != _parent, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_lookup_must_name_one_property_of_the_saga()
    {
        Should.Throw<ArgumentException>(() => new SagaLookup<ParentedSaga>(saga => saga.ParentId.ToString()))
            .Message.ShouldContain("one property of the saga");
    }

    public sealed class ParentedSaga : ISaga
    {
        public Guid CorrelationId { get; set; }

        public Guid ParentId { get; set; }
    }

    private sealed class ValueHolder
    {
        public Guid? Value { get; init; }
    }
}
