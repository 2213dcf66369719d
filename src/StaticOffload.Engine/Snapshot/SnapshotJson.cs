using System.Text.Json.Serialization;

namespace StaticOffload.Snapshot;

/// <summary>
/// The bucket state's serializer, generated at compile time: reflection-based JSON costs a few hundred milliseconds of
/// warm-up in every build process, which would be most of a no-change publish. (The local snapshot is written and
/// read by hand: SnapshotFormat.)
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(RemoteState.StateDocument))]
internal sealed partial class RemoteStateJsonContext : JsonSerializerContext;
