"""Script that fills the outbox with visit reports directly, for tests and benchmarks of replay."""

# Argument: job ids. Each item is a complete report (times, fault, action, result, satisfaction and
# a signature image made on a canvas) with a client_id of its own, as the report form would queue it.
QUEUE_REPORTS = """async (jobIds) => {
    const canvas = new OffscreenCanvas(300, 100);
    canvas.getContext("2d").fillRect(10, 10, 200, 5);
    const signature = await canvas.convertToBlob({ type: "image/png" });
    const user = document.getElementById("app").dataset.user;
    const now = new Date();
    const local = (d) => new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    for (const id of jobIds) {
        await Outbox.add({
            userId: user, url: `/jobs/${id}/report`, formUrl: `/jobs/${id}/report`, title: `J${id}`,
            fields: [["client_id", crypto.randomUUID()], ["arrived_at", local(new Date(now - 3600000))],
                     ["left_at", local(now)], ["fault_found", "积碳"], ["action_taken", "清洁"],
                     ["result", "fixed"], ["warranty_status", "in_warranty"], ["satisfaction", "4"]],
            files: [{ name: "signature", blob: signature, filename: "signature.png" }],
        });
    }
}"""
