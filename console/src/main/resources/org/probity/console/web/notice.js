// The print button of the warning notice; the toolbar itself is hidden when printing.
document.getElementById('print').addEventListener('click', () => window.print());
