using System.Text.Json.Serialization;

namespace StaticOffload.Coordination;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LeaseDocument))]
[JsonSerializable(typeof(History.HistoryDocument))]
internal sealed partial class CoordinationJsonContext : JsonSerializerContext;
