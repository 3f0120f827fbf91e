using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using MassTransit;

namespace Remediator.Persistence.Sagas;

/// <summary>
/// The one property, besides the id, that a saga's events correlate by (column <c>saga_lookup</c>,
/// indexed): an event correlated by <c>saga.Property == value</c> reads the rows holding that value
/// and no others. Correlate with MassTransit's property form,
/// <c>x.CorrelateBy(saga => saga.Property, context => context.Message.Value)</c>, which hands the
/// repository the value without compiling anything per message; the expression form
/// <c>x.CorrelateBy((saga, context) => saga.Property == context.Message.Value)</c> is understood too.
/// </summary>
public sealed class SagaLookup<TSaga>
    where TSaga : class, ISaga
{
    private readonly MemberInfo _member;
    private readonly Func<TSaga, object?> _read;

    /// <summary>The lookup by <paramref name="property"/>, e.g. <c>new SagaLookup&lt;S&gt;(saga => saga.ParentId)</c>.</summary>
    public SagaLookup(Expression<Func<TSaga, object?>> property)
    {
        ArgumentNullException.ThrowIfNull(property);
        if (Unwrap(property.Body) is not MemberExpression { Expression: ParameterExpression } member)
        {
            throw new ArgumentException($"A saga lookup is one property of the saga, e.g. saga => saga.ParentId (got {property}).", nameof(property));
        }

        _member = member.Member;
        _read = property.Compile();
    }

    /// <summary>The JSON property name the instance is stored under (for filling the column from existing rows).</summary>
    internal string JsonName(JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(_member.Name) ?? _member.Name;

    /// <summary>The column value of <paramref name="saga"/>.</summary>
    internal string? ValueOf(TSaga saga) => Text(_read(saga));

    /// <summary>
    /// The value <paramref name="filter"/> looks the saga up by, when it is
    /// <c>saga.Property == value</c> for this lookup's property and a value known now.
    /// </summary>
    internal bool TryMatch(Expression<Func<TSaga, bool>> filter, out string? value)
    {
        value = null;
        if (filter.Body is not BinaryExpression { NodeType: ExpressionType.Equal } equal)
        {
            return false;
        }

        foreach (var (property, other) in new[] { (equal.Left, equal.Right), (equal.Right, equal.Left) })
        {
            if (Unwrap(property) is MemberExpression { Expression: ParameterExpression } member
                && member.Member == _member
                && TryEvaluate(other, out var known))
            {
                value = Text(known);
                return true;
            }
        }

        return false;
    }

    // The text both databases store: a Guid as System.Text.Json writes it, so filling the
    // column from the stored JSON gives the same value.
    private static string? Text(object? value) => value switch
    {
        null => null,
        Guid guid => guid.ToString("D"),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static Expression Unwrap(Expression expression) =>
        expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert ? Unwrap(convert.Operand) : expression;

    // MassTransit hands the value over as a constant, or as a member of one: read it by
    // reflection rather than compiling the expression.
    private static bool TryEvaluate(Expression expression, out object? value)
    {
        switch (Unwrap(expression))
        {
            case ConstantExpression constant:
                value = constant.Value;
                return true;
            case MemberExpression { Expression: { } inner, Member: var member } when TryEvaluate(inner, out var target) && target is not null:
                value = member switch
                {
                    FieldInfo field => field.GetValue(target),
                    PropertyInfo property => property.GetValue(target),
                    _ => null,
                };
                return member is FieldInfo or PropertyInfo;
            default:
                value = null;
                return false;
        }
    }
}
