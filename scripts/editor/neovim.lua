-- Drives `phiguard server` from Neovim's built-in LSP client (0.7 API:
-- vim.lsp.start_client, vim.lsp.buf_attach_client, push diagnostics):
-- opens a Terraform module and a CloudFormation template, waits for the
-- diagnostics, checks their ranges and codes, applies the preferred quick
-- fix and checks the buffer. Run by scripts/test-neovim; exits non-zero
-- on the first failure.
local phiguard = os.getenv("PHIGUARD")
local root = os.getenv("SCRATCH")

local function fail(message)
  io.stderr:write("neovim test: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local client_id = vim.lsp.start_client({
  name = "phiguard",
  cmd = { phiguard, "server" },
  root_dir = root,
  init_options = { undecided = false },
})
if not client_id then
  fail("the client did not start")
end

local function check(file, rule, line, col, wanted_line)
  vim.cmd("edit " .. root .. "/" .. file)
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local found
  vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == rule then
        found = d
        return true
      end
    end
    return false
  end, 50)
  if not found then
    fail(file .. ": no " .. rule .. " diagnostic")
  end
  if found.lnum ~= line or found.col ~= col then
    fail(string.format("%s: %s at %d:%d, expected %d:%d", file, rule, found.lnum, found.col, line, col))
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = line, character = col }, ["end"] = { line = line, character = col } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 20000)
  local applied = false
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      if action.isPreferred and action.edit and not applied then
        vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
        applied = true
      end
    end
  end
  if not applied then
    fail(file .. ": no preferred quick fix")
  end
  local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1]
  if text ~= wanted_line then
    fail(string.format("%s: line %d is %q after the fix, expected %q", file, line + 1, text, wanted_line))
  end
  -- The edited buffer is linted again: the finding goes.
  local gone = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == rule then
        return false
      end
    end
    return true
  end, 50)
  if not gone then
    fail(file .. ": " .. rule .. " still reported after the fix")
  end
end

local ok, err = pcall(function()
  check("main.tf", "s3-public-acl", 2, 11, '  acl    = "private"')
  check("template.yaml", "s3-public-acl", 5, 21, "      AccessControl: Private")
end)
if not ok then
  fail(tostring(err))
end
vim.lsp.stop_client(client_id)
vim.cmd("qall!")
