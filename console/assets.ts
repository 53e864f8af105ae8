/** The console's one stylesheet and one small script, served from /assets (CSP: self only). */

export const CSS = `
body{font-family:system-ui,-apple-system,"Noto Sans KR","Malgun Gothic",sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d2433;color:#fff;padding:.6rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none}header a.active{text-decoration:underline}
header .who{margin-left:auto;font-size:.85rem;opacity:.85}
header form{display:inline}header button{background:none;border:1px solid #fff6;color:#fff;border-radius:4px;cursor:pointer}
main{padding:1rem 1.5rem;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;background:#fff;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d8dce3;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef0f4}
td.num{text-align:right}
.flash{padding:.6rem .9rem;border-radius:4px;margin:.6rem 0;white-space:pre-wrap}
.ok{background:#e6f4ea;border:1px solid #9bd3ab}.error{background:#fdecea;border:1px solid #f1a9a0}.info{background:#e8f0fe;border:1px solid #a8c4f5}
form.box{background:#fff;border:1px solid #d8dce3;padding:1rem;border-radius:6px;max-width:640px}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}label.inline{display:inline;font-weight:normal;margin-right:1rem}
input[type=text],input[type=email],input[type=password],input[type=date],select,textarea{width:100%;box-sizing:border-box;padding:.35rem}
button{padding:.35rem .8rem;margin-top:.6rem}
.muted{color:#667085;font-size:.85rem}
pre{white-space:pre-wrap}
`;

/** Disables a form's buttons once it is sent (no double submits) and asks before "run now". */
export const JS = `
document.addEventListener('submit', function (e) {
  var form = e.target;
  var question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) { e.preventDefault(); return; }
  setTimeout(function () { form.querySelectorAll('button').forEach(function (b) { b.disabled = true; }); }, 0);
});
`;
