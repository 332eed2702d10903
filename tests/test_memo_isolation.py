"""In-process extraction equals a fresh process's, after tests that switch the NER model off (their
memos of "no model" once leaked into the byte-for-byte worker comparisons of later tests)."""
import json
import subprocess
import sys

from tests.test_processor_restart import corpus_items
from workers.contracts import encode
from workers.process.handlers import LocalPipeline


def test_same_as_fresh_process(tmp_path):
    items = corpus_items(150)
    p = LocalPipeline()
    for it in items:
        p.feed(encode(it))
    out = tmp_path / "fresh.json"
    code = (
        "import json,sys;from tests.test_processor_restart import corpus_items;"
        "from workers.contracts import encode;from workers.process.handlers import LocalPipeline;"
        "p=LocalPipeline();[p.feed(encode(i)) for i in corpus_items(150)];"
        f"json.dump(p.sink,open({str(out)!r},'w'),sort_keys=True,ensure_ascii=False)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    fresh = json.loads(out.read_text())
    assert json.loads(json.dumps(p.sink)) == fresh
