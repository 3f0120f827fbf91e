using System.Data.Common;

namespace Remediator.Persistence;

/// <summary>Small helpers that keep ADO.NET calls short in both providers.</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds a parameter; null becomes <see cref="DBNull"/>.</summary>
    public static DbCommand AddParameter(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>A command on <paramref name="connection"/>, enlisted in <paramref name="transaction"/> when given.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
