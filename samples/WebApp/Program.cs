var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// In production the static files are served from the bucket (through a CDN); locally the app serves them itself.
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/api/health", () => Results.Ok(new { status = "ok" }));

app.Run();
