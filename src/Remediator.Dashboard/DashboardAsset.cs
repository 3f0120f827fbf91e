using Microsoft.Net.Http.Headers;

namespace Remediator.Dashboard;

/// <summary>One file of the page, ready to serve: its bytes and the entity tag that lets browsers revalidate it cheaply.</summary>
internal sealed record DashboardAsset(string Name, string ContentType, ReadOnlyMemory<byte> Content, EntityTagHeaderValue ETag);
