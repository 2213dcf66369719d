using System.Text.Json.Serialization;

namespace StaticOffload.Snapshot;

/// <summary>
/// Serializers generated at compile time: reflection-based JSON costs a few hundred milliseconds of warm-up in every
/// build process, which would be most of a no-change publish.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncSnapshot))]
internal sealed partial class SnapshotJsonContext : JsonSerializerContext;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(RemoteState.StateDocument))]
internal sealed partial class RemoteStateJsonContext : JsonSerializerContext;
